import { performance } from "node:perf_hooks";
import { Logger, run, runMigrations } from "graphile-worker";
import pg from "pg";
import { expectEqual } from "../harness/validate.js";
import { settleDatabase } from "../postgres/settle-database.js";

/** What the graphile-worker reference measured. */
export interface GraphileMeasure {
  jobs: number;
  seconds: number;
  perSecond: number;
}

/**
 * The configuration graphile-worker publishes for its own performance figures (concurrency 24, pool
 * 25, local queue of 500, batched completion): the reference at its best, not tuned down.
 */
export const GRAPHILE_PRESET = {
  concurrentJobs: 24,
  maxPoolSize: 25,
  localQueue: { size: 500 },
  completeJobBatchDelay: 0,
  failJobBatchDelay: 0,
} as const;

const silent = new Logger(() => () => {});

/**
 * graphile-worker 0.17 draining `jobs` no-op jobs from its own schema: timed from the runner's start
 * until its jobs table is empty. Checks every job ran exactly once.
 */
export async function graphileNoop(
  params: { url: string; jobs: number },
  ready: () => Promise<void>,
): Promise<GraphileMeasure> {
  const schema = "bench_graphile_worker";
  const worker = { connectionString: params.url, schema, logger: silent, ...GRAPHILE_PRESET };
  await runMigrations({ connectionString: params.url, schema, logger: silent });
  const client = new pg.Client({ connectionString: params.url });
  await client.connect();
  try {
    // One round trip: graphile-worker's own batch function over a generated array of specs.
    await client.query(
      `SELECT ${schema}.add_jobs(array_agg(ROW('noop', '{}'::json, NULL, NULL, NULL, NULL, NULL, NULL)::${schema}.job_spec))
         FROM generate_series(1, $1)`,
      [params.jobs],
    );
    const remaining = async () =>
      Number((await client.query(`SELECT count(*) AS n FROM ${schema}._private_jobs`)).rows[0].n);
    expectEqual("queued jobs", await remaining(), params.jobs);
    await settleDatabase(params.url);
    await ready();

    let executed = 0;
    let allRan!: () => void;
    const ran = new Promise<void>((resolve) => {
      allRan = resolve;
    });
    const started = performance.now();
    const runner = await run({
      preset: { worker },
      noHandleSignals: true,
      taskList: {
        noop: async () => {
          executed += 1;
          if (executed === params.jobs) allRan();
        },
      },
    });
    await ran;
    // Completions are batched: the jobs are drained when their rows are gone, not when the tasks return.
    while ((await remaining()) > 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const seconds = (performance.now() - started) / 1000;
    await runner.stop();
    expectEqual("jobs executed", executed, params.jobs);
    expectEqual("jobs left", await remaining(), 0);
    return { jobs: params.jobs, seconds, perSecond: params.jobs / seconds };
  } finally {
    await client.end();
  }
}
