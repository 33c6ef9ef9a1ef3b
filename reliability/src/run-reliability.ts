/**
 * The reliability harness: `pnpm test:reliability [--full] [--only=a,b] [--known-bugs]`.
 *
 * Runs real worker processes against real Postgres and SQLite and a real SMTP sink process, kills
 * them, restarts the database, makes the sink misbehave and fuzzes the engine's inputs; prints one
 * summary line per scenario and exits non-zero on any duplicate, loss, audit finding or broken
 * guarantee. The reduced sizes take a few minutes on two cores; `--full` runs the full sizes.
 * `--known-bugs` adds the variants that show open defects (acknowledgement loss after DATA, the
 * store's own pool across a server restart).
 */
import {
  canRestartPostgres,
  ensurePostgresRunning,
  ensurePostgresRunningSync,
} from "./run/postgres-server.js";
import { POSTGRES_URL, postgresReachable } from "./run/scenario-environment.js";
import { type ScenarioResult, summaryLine } from "./run/scenario-result.js";
import { runConcurrentWorkers } from "./scenarios/concurrent-workers.js";
import { runCrashInjection } from "./scenarios/crash-injection.js";
import { runDatabaseRestart } from "./scenarios/database-restart.js";
import { runFaultyTransport } from "./scenarios/faulty-transport.js";
import { runHostileInput } from "./scenarios/hostile-input.js";

const args = process.argv.slice(2);
const full = args.includes("--full");
const knownBugs = args.includes("--known-bugs");
const only = args
  .find((a) => a.startsWith("--only="))
  ?.slice("--only=".length)
  .split(",");

/** Sizes of the reduced run (CI) and of the full run. */
const SIZES = full
  ? {
      crashLeads: 20_000,
      crashKills: 50,
      scale: 5,
      faultyLeads: 5_000,
      restartLeads: 10_000,
      restarts: 5,
      fuzzRuns: 1_000,
    }
  : {
      crashLeads: 2_000,
      crashKills: 10,
      scale: 1,
      faultyLeads: 600,
      restartLeads: 1_500,
      restarts: 2,
      fuzzRuns: 100,
    };

interface Scenario {
  name: string;
  postgres: boolean;
  run: () => Promise<ScenarioResult>;
}

const scenarios: Scenario[] = [
  {
    name: "crash-postgres",
    postgres: true,
    run: () =>
      runCrashInjection("postgres", { leads: SIZES.crashLeads, kills: SIZES.crashKills, workers: 3 }),
  },
  {
    name: "crash-sqlite",
    postgres: false,
    run: () => runCrashInjection("sqlite", { leads: SIZES.crashLeads, kills: SIZES.crashKills, workers: 3 }),
  },
  { name: "concurrent-postgres", postgres: true, run: () => runConcurrentWorkers(SIZES.scale) },
  {
    name: "faulty-transport",
    postgres: true,
    run: () => runFaultyTransport(SIZES.faultyLeads, { ackLoss: false }),
  },
  {
    name: "database-restart",
    postgres: true,
    run: () => runDatabaseRestart(SIZES.restartLeads, { restarts: SIZES.restarts, pool: "host" }),
  },
  { name: "hostile-input-sqlite", postgres: false, run: () => runHostileInput(SIZES.fuzzRuns) },
];
if (knownBugs) {
  scenarios.push(
    {
      name: "faulty-transport-ack-loss",
      postgres: true,
      run: () => runFaultyTransport(SIZES.faultyLeads, { ackLoss: true }),
    },
    {
      name: "database-restart-store-pool",
      postgres: true,
      run: () => runDatabaseRestart(SIZES.restartLeads, { restarts: SIZES.restarts, pool: "store" }),
    },
  );
}

// The database restart must never leave the server down, whatever happens to this process.
process.on("exit", ensurePostgresRunningSync);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    ensurePostgresRunningSync();
    process.exit(130);
  });
}

const hasPostgres = await postgresReachable();
if (!hasPostgres) {
  if (process.env.CI === "true") {
    console.error(`Postgres is not reachable at ${POSTGRES_URL} and CI=true`);
    process.exit(1);
  }
  console.warn(`\n  SKIPPING the Postgres scenarios: no server at ${POSTGRES_URL}\n`);
}

const results: ScenarioResult[] = [];
let skipped = 0;
for (const scenario of scenarios) {
  if (only && !only.includes(scenario.name)) continue;
  if (scenario.postgres && !hasPostgres) {
    skipped++;
    continue;
  }
  if (scenario.name.startsWith("database-restart") && !canRestartPostgres()) {
    console.warn(`  SKIPPING ${scenario.name}: the Postgres server is not this machine's`);
    skipped++;
    continue;
  }
  let result: ScenarioResult;
  try {
    result = await scenario.run();
  } catch (error) {
    result = {
      scenario: scenario.name,
      leads: 0,
      kills: 0,
      duplicates: 0,
      unknown: 0,
      lost: 0,
      auditFindings: 0,
      details: "the scenario itself failed",
      problems: [`harness-error: ${(error as Error)?.stack ?? String(error)}`],
      failed: true,
      seconds: 0,
    };
  } finally {
    await ensurePostgresRunning();
  }
  results.push(result);
  console.log(summaryLine(result));
  console.log(`  ${result.failed ? "FAIL" : "ok"} ${result.seconds}s ${result.details}`);
  for (const problem of result.problems.slice(0, 25)) console.log(`  ! ${problem}`);
}

const failed = results.filter((r) => r.failed).length;
console.log(`\n${full ? "Full" : "Reduced"} run.`);
console.log(
  `reliability: ${results.length - failed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`,
);
process.exit(failed > 0 ? 1 : 0);
