import { setTimeout as sleep } from "node:timers/promises";
import { createScenarioEnvironment, FAST_DISPATCH } from "../run/scenario-environment.js";
import { outcomeCounts, resultFromVerdict, type ScenarioResult } from "../run/scenario-result.js";
import { seedCampaigns } from "../run/seed-campaigns.js";
import { WorkerFleet, waitForDrain } from "../run/worker-fleet.js";
import { NO_FAULTS } from "../sink/smtp-sink-faults.js";
import { openStore } from "../stores/open-store.js";
import { countActiveLeads, countEmails } from "../stores/store-snapshot.js";

/** Sizes of the crash scenario. */
export interface CrashSize {
  leads: number;
  kills: number;
  workers: number;
}

/**
 * Worker processes dispatch a 3-step campaign to the SMTP sink while the harness SIGKILLs one of them
 * at random moments and starts another; then one clean worker drains what is left. Every (lead,
 * step) must be accepted once or recorded unknown (at most kills × batch size × batches in flight of those), every lead
 * finished, the audit empty.
 */
export async function runCrashInjection(
  kind: "postgres" | "sqlite",
  size: CrashSize,
): Promise<ScenarioResult> {
  const started = Date.now();
  const env = await createScenarioEnvironment(`crash-${kind}`, kind);
  const sink = await env.startSink(NO_FAULTS);
  try {
    const store = openStore(env.target);
    const campaigns = await seedCampaigns(store, [
      { leads: size.leads, dailyLimit: 1_000_000, hardEvery: 40 },
    ]);
    await store.close();
    // A lease long enough that a live worker on a busy machine keeps it; only the killed ones lose theirs.
    const dispatch = { ...FAST_DISPATCH, leaseMs: 5000 };
    const config = { store: env.target, smtpPort: sink.port, smtpSocketMs: 5000, dispatch };
    const fleet = new WorkerFleet(config, size.workers);
    fleet.start();
    // Kills land at random moments spread over the whole run: the i-th once about i/(kills+1) of the
    // sends are recorded, give or take a random share of the gap.
    const expected = size.leads * 3;
    while (fleet.kills < size.kills && !sink.crashed()) {
      const progress = (await countEmails(env.target)) / expected;
      if ((await countActiveLeads(env.target)) === 0) break;
      const due = (fleet.kills + 0.5 + Math.random()) / (size.kills + 1);
      if (progress >= due) await fleet.killOne();
      else await sleep(50 + Math.random() * 150);
    }
    await waitForDrain(env.target, fleet, {
      abort: () => sink.crashed() !== null,
      deadline: Date.now() + 600_000,
      quietMs: 3 * dispatch.leaseMs! + 2000,
    });
    await fleet.stop();

    // The final clean run: one worker, nobody killed, until nothing moves.
    const drain = new WorkerFleet(config, 1);
    drain.start();
    await waitForDrain(env.target, drain, {
      abort: () => sink.crashed() !== null,
      deadline: Date.now() + 120_000,
      quietMs: 2 * dispatch.leaseMs! + 2000,
    });
    await drain.stop();

    const verdict = await env.verify(campaigns);
    // A killed worker leaves at most the sends of every batch it had in flight unknown.
    const bound = fleet.kills * dispatch.batchSize! * (dispatch.batchesInFlight ?? 1);
    const problems = [...fleet.log.crashes, ...drain.log.crashes].map(
      (c) => `worker-crashed: ${c.name} exited ${c.code ?? c.signal}: ${c.stderr.slice(-300)}`,
    );
    if (sink.crashed()) problems.push(`sink-crashed: ${sink.crashed()}`);
    if (verdict.unknown > bound)
      problems.push(
        `unknown-over-bound: ${verdict.unknown} > kills × batch size × batches in flight = ${bound}`,
      );
    return resultFromVerdict(`crash-${kind}`, verdict, {
      kills: fleet.kills,
      started,
      problems,
      details: `${outcomeCounts(verdict)} unknown_bound=${bound} workers=${size.workers}`,
    });
  } finally {
    await sink.stop();
    await env.dispose();
  }
}
