import { performance } from "node:perf_hooks";
import { runChild, startChild } from "../harness/child-process.js";
import type { BenchFlags } from "../harness/flags.js";
import { printQueryCounts } from "../harness/query-counter.js";
import { type BenchResult, compared, limited } from "../harness/result.js";
import { tempSqliteFile } from "../harness/temp-files.js";
import { expectEqual } from "../harness/validate.js";
import { settleDatabase } from "../postgres/settle-database.js";
import { createTempDatabase } from "../postgres/temp-database.js";
import type { StoreLocation } from "../workload/store-location.js";
import type { DispatchMeasure, SeedReport } from "./cadenza-cases.js";
import type { VerifyReport } from "./cadenza-verify.js";
import type { CeilingMeasure } from "./ceiling-email.js";
import type { GraphileMeasure } from "./graphile-noop.js";
import type { MemoryDispatchMeasure } from "./memory-cases.js";

const MB = 2 ** 20;
/** The engine's default batch, which the ceilings use too when the run does not set one. */
const ENGINE_BATCH = 100;

/** Batches in flight of `dispatch-sqlite thread` when the run does not set them (the store's docs advise 4). */
const THREAD_BATCHES_IN_FLIGHT = 4;
/**
 * The longest a dispatch may keep the event loop from other work: a tracking request answered in the
 * dispatching process waits no longer. Without the engine's yields it was the whole dispatch (seconds).
 */
const LOOP_WAIT_LIMIT_MS = 100;

/** Emails/s of single-engine Postgres dispatch measured earlier in this run, for the workers' reference. */
let singlePostgres: number | null = null;

/** Seeds, dispatches in one engine process, and verifies: the Cadenza side of a dispatch benchmark. */
async function measureCadenza(
  store: StoreLocation,
  leads: number,
  flags: BenchFlags,
  settle: () => Promise<void>,
) {
  const seed = await runChild<SeedReport>("cadenza-seed", { store, leads }, { profile: false });
  await settle();
  const dispatch = await runChild<DispatchMeasure>(
    "cadenza-dispatch",
    {
      store,
      batchSize: flags.batchSize,
      batchesInFlight: flags.batchesInFlight,
      countQueries: flags.countQueries,
    },
    flags,
  );
  expectEqual("emails sent", dispatch.result.sent, leads);
  if (dispatch.result.queries)
    printQueryCounts(`${store.kind} dispatch`, dispatch.result.queries, leads, "email");
  expectEqual("errors the engine recovered from", dispatch.result.recovered.join("; "), "");
  const verify = await runChild<VerifyReport>(
    "cadenza-verify",
    { store, campaignId: seed.result.campaignId, leads },
    { profile: false },
  );
  return {
    seed: seed.result,
    dispatch: dispatch.result,
    peakRssBytes: dispatch.peakRssBytes,
    verify: verify.result,
  };
}

function cadenzaDetails(m: Awaited<ReturnType<typeof measureCadenza>>, leads: number) {
  return {
    leads,
    seconds: m.dispatch.seconds,
    ticks: m.dispatch.report.ticks,
    peak_rss_mb: m.peakRssBytes / MB,
    seed_seconds: m.seed.seconds,
    audit_seconds: m.verify.auditSeconds,
    validated: m.verify.counts,
  };
}

/**
 * `dispatch-memory`: emails/s of the engine over the in-memory reference store (no I/O), validated
 * like the others: the engine's own CPU per email, with no reference and no target.
 */
export async function dispatchMemoryBenchmark(flags: BenchFlags): Promise<BenchResult[]> {
  const m = await runChild<MemoryDispatchMeasure>(
    "cadenza-dispatch-memory",
    { leads: flags.leads, batchSize: flags.batchSize, batchesInFlight: flags.batchesInFlight },
    flags,
  );
  expectEqual("emails sent", m.result.sent, flags.leads);
  expectEqual("errors the engine recovered from", m.result.recovered.join("; "), "");
  const engineSeconds = m.result.seconds - m.result.storeSeconds;
  const details = {
    leads: flags.leads,
    seconds: m.result.seconds,
    store_seconds: m.result.storeSeconds,
    ticks: m.result.report.ticks,
    peak_rss_mb: m.peakRssBytes / MB,
    validated: m.result.counts,
  };
  return [
    compared("dispatch-memory", m.result.perSecond, "emails/s", null, null, details),
    // The reference store's own work is timed around its calls; the rest is the engine's.
    limited("dispatch-memory engine CPU", (engineSeconds * 1e6) / flags.leads, "µs/email", null, {
      store_us_per_email: (m.result.storeSeconds * 1e6) / flags.leads,
    }),
  ];
}

/**
 * `dispatch-sqlite`: emails/s end to end on SQLite, against the better-sqlite3 ceiling loop: the store
 * as it opens by default (its connection on the engine's thread), and with `thread: true` (its
 * connection in a worker thread, the engine's rendering beside the store's statements).
 */
export async function dispatchSqliteBenchmark(flags: BenchFlags): Promise<BenchResult[]> {
  const ours = tempSqliteFile("dispatch");
  const threaded = tempSqliteFile("dispatch-thread");
  const theirs = tempSqliteFile("ceiling");
  try {
    const m = await measureCadenza({ kind: "sqlite", file: ours.file }, flags.leads, flags, async () => {});
    ours.remove();
    // As the SQLite store's docs advise with a thread: 4 batches in flight keep it busy.
    const threadFlags = { ...flags, batchesInFlight: flags.batchesInFlight ?? THREAD_BATCHES_IN_FLIGHT };
    const t = await measureCadenza(
      { kind: "sqlite", file: threaded.file, thread: true },
      flags.leads,
      threadFlags,
      async () => {},
    );
    threaded.remove();
    const ceiling = await runChild<CeilingMeasure>(
      "ceiling-sqlite",
      { file: theirs.file, leads: flags.leads, batchSize: flags.batchSize ?? ENGINE_BATCH },
      flags,
    );
    const reference = { name: "SQL ceiling (better-sqlite3 loop)", value: ceiling.result.perSecond };
    const rows = (name: string, measured: typeof m, batchesInFlight: number | null) => [
      compared(name, measured.dispatch.perSecond, "emails/s", reference, 0.5, {
        ...cadenzaDetails(measured, flags.leads),
        batches_in_flight: batchesInFlight ?? "engine default",
      }),
      limited(`${name} peak RSS`, measured.peakRssBytes / MB, "MB", null, { leads: flags.leads }),
      // A host serving tracking requests in the dispatching process waits this long at worst.
      limited(`${name} longest loop wait`, measured.dispatch.loopWaits.longestMs, "ms", LOOP_WAIT_LIMIT_MS, {
        p99_ms: measured.dispatch.loopWaits.p99Ms,
        leads: flags.leads,
      }),
    ];
    return [
      ...rows("dispatch-sqlite", m, flags.batchesInFlight),
      ...rows("dispatch-sqlite thread", t, threadFlags.batchesInFlight),
    ];
  } finally {
    ours.remove();
    threaded.remove();
    theirs.remove();
  }
}

/**
 * `dispatch-postgres`: emails/s end to end on Postgres, against graphile-worker draining as many
 * no-op jobs and against the hand-written SQL ceiling, all in one database, each in its own schema.
 */
export async function dispatchPostgresBenchmark(flags: BenchFlags): Promise<BenchResult[]> {
  const db = await createTempDatabase(flags.databaseUrl, "dispatch");
  try {
    const store: StoreLocation = { kind: "postgres", url: db.url, schema: "cadenza" };
    const m = await measureCadenza(store, flags.leads, flags, () => settleDatabase(db.url));
    singlePostgres = m.dispatch.perSecond;
    const graphile = await runChild<GraphileMeasure>(
      "graphile-noop",
      { url: db.url, jobs: flags.leads },
      flags,
    );
    const ceiling = await runChild<CeilingMeasure>(
      "ceiling-postgres",
      { url: db.url, leads: flags.leads, batchSize: flags.batchSize ?? ENGINE_BATCH },
      flags,
    );
    const details = cadenzaDetails(m, flags.leads);
    return [
      compared(
        "dispatch-postgres",
        m.dispatch.perSecond,
        "emails/s",
        { name: "graphile-worker 0.17.3 no-op jobs/s", value: graphile.result.perSecond },
        1.0,
        { ...details, reference_seconds: graphile.result.seconds },
      ),
      compared(
        "dispatch-postgres vs ceiling",
        m.dispatch.perSecond,
        "emails/s",
        { name: "SQL ceiling (pg loop, SKIP LOCKED)", value: ceiling.result.perSecond },
        0.7,
        {
          leads: flags.leads,
          reference_seconds: ceiling.result.seconds,
          reference_batches: ceiling.result.batches,
        },
      ),
      limited("dispatch-postgres peak RSS", m.peakRssBytes / MB, "MB", null, { leads: flags.leads }),
    ];
  } finally {
    await db.drop();
  }
}

/** `dispatch-postgres-workers`: aggregate emails/s of several engines, each in its own process and pool. */
export async function dispatchPostgresWorkersBenchmark(flags: BenchFlags): Promise<BenchResult[]> {
  const db = await createTempDatabase(flags.databaseUrl, "workers");
  const store: StoreLocation = { kind: "postgres", url: db.url, schema: "cadenza" };
  const workers = Array.from({ length: flags.workers }, () => null);
  try {
    const seed = await runChild<SeedReport>(
      "cadenza-seed",
      { store, leads: flags.leads },
      { profile: false },
    );
    await settleDatabase(db.url);
    const children = workers.map(() =>
      startChild(
        "cadenza-dispatch",
        { store, batchSize: flags.batchSize, batchesInFlight: flags.batchesInFlight },
        flags,
      ),
    );
    await Promise.all(children.map((c) => c.ready));
    const started = performance.now();
    for (const child of children) child.go();
    const outcomes = await Promise.all(children.map((c) => c.done));
    const seconds = (performance.now() - started) / 1000;
    const measures = outcomes.map((o) => o.result as DispatchMeasure);
    const sent = measures.reduce((sum, m) => sum + m.sent, 0);
    expectEqual("emails sent by all workers", sent, flags.leads);
    expectEqual("errors the engines recovered from", measures.flatMap((m) => m.recovered).join("; "), "");
    const verify = await runChild<VerifyReport>(
      "cadenza-verify",
      { store, campaignId: seed.result.campaignId, leads: flags.leads },
      { profile: false },
    );
    return [
      compared(
        `dispatch-postgres-workers`,
        flags.leads / seconds,
        "emails/s",
        singlePostgres === null
          ? null
          : { name: "dispatch-postgres, 1 worker (this run)", value: singlePostgres },
        null,
        {
          workers: flags.workers,
          leads: flags.leads,
          seconds,
          sent_per_worker: measures.map((m) => m.sent),
          peak_rss_mb_per_worker: outcomes.map((o) => o.peakRssBytes / MB),
          validated: verify.result.counts,
        },
      ),
    ];
  } finally {
    await db.drop();
  }
}
