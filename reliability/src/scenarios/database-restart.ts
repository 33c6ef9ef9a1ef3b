import { setTimeout as sleep } from "node:timers/promises";
import { ensurePostgresRunning, restartPostgres } from "../run/postgres-server.js";
import { createScenarioEnvironment, FAST_DISPATCH } from "../run/scenario-environment.js";
import { outcomeCounts, resultFromVerdict, type ScenarioResult } from "../run/scenario-result.js";
import { seedCampaigns } from "../run/seed-campaigns.js";
import { WorkerFleet, waitForDrain } from "../run/worker-fleet.js";
import { NO_FAULTS } from "../sink/smtp-sink-faults.js";
import { openStore } from "../stores/open-store.js";
import { countActiveLeads, countEmails } from "../stores/store-snapshot.js";

/** The lines of a crashed worker's stderr that say what killed it. */
function crashCause(stderr: string): string {
  const lines = stderr
    .split("\n")
    .filter((l) => /^\w*Error\b|^error:|Emitted 'error' event on/.test(l.trim()));
  return lines.slice(0, 3).join(" / ") || stderr.slice(-200);
}

/**
 * Restarts the Postgres server while worker processes dispatch. Store calls fail with
 * STORE_UNAVAILABLE during the restart; every worker loop must report it, keep running, reconnect and
 * finish with the same guarantees.
 *
 * `pool: "store"` lets `postgresStore(url)` open its own pool instead of taking the host's.
 */
export async function runDatabaseRestart(
  leads: number,
  options: { restarts: number; pool: "host" | "store" },
): Promise<ScenarioResult> {
  const started = Date.now();
  const name = options.pool === "store" ? "database-restart-store-pool" : "database-restart";
  const env = await createScenarioEnvironment(name, "postgres", options.pool);
  const sink = await env.startSink(NO_FAULTS);
  let restarts = 0;
  try {
    const store = openStore(env.target);
    const campaigns = await seedCampaigns(store, [{ leads, dailyLimit: 1_000_000, hardEvery: 40 }]);
    await store.close();
    const fleet = new WorkerFleet(
      { store: env.target, smtpPort: sink.port, smtpSocketMs: 5000, dispatch: FAST_DISPATCH },
      3,
    );
    fleet.start();
    // Restart once each time another share of the sends is recorded: at 1/(n+1), 2/(n+1), … of them.
    const expected = leads * 3;
    while (restarts < options.restarts && !sink.crashed() && fleet.anyRunning()) {
      if ((await countActiveLeads(env.target).catch(() => 1)) === 0) break;
      const progress = (await countEmails(env.target).catch(() => 0)) / expected;
      if (progress >= (restarts + 1) / (options.restarts + 1)) {
        await restartPostgres();
        restarts++;
      }
      await sleep(100);
    }
    await waitForDrain(env.target, fleet, {
      abort: () => sink.crashed() !== null,
      deadline: Date.now() + 600_000,
      quietMs: 3 * FAST_DISPATCH.leaseMs! + 2000,
    });
    const running = fleet.allRunning();
    await fleet.stop();

    const verdict = await env.verify(campaigns);
    const errors = fleet.errorsByCode();
    const problems = fleet.log.crashes.map(
      (c) => `worker-crashed: ${c.name} exited ${c.code ?? c.signal}: ${crashCause(c.stderr)}`,
    );
    if (sink.crashed()) problems.push(`sink-crashed: ${sink.crashed()}`);
    if (!running) problems.push("workers-died: not every worker was still running at the end");
    if (restarts > 0 && !errors.STORE_UNAVAILABLE)
      problems.push("restart-unseen: no worker reported STORE_UNAVAILABLE during the restart");
    const codes = Object.entries(errors)
      .map(([code, n]) => `${code}:${n}`)
      .join(" ");
    const otherErrors = new Set(
      fleet.log.reports.flatMap((r) =>
        r.type === "error" && r.context === "tick" && r.code !== "STORE_UNAVAILABLE"
          ? [`${r.code}: ${r.message}`]
          : [],
      ),
    );
    const dropped = Object.values(fleet.errorsByCode("pool connection")).reduce((a, b) => a + b, 0);
    return resultFromVerdict(name, verdict, {
      kills: 0,
      started,
      problems,
      details: `${outcomeCounts(verdict)} restarts=${restarts} tick_errors=[${codes}] connections_ended=${dropped} crashes=${fleet.log.crashes.length}${[...otherErrors].map((e) => ` | ${e}`).join("")}`,
    });
  } finally {
    await ensurePostgresRunning();
    await sink.stop();
    await env.dispose();
  }
}
