import { createScenarioEnvironment, FAST_DISPATCH } from "../run/scenario-environment.js";
import { outcomeCounts, resultFromVerdict, type ScenarioResult } from "../run/scenario-result.js";
import { type CampaignPlan, STEPS, seedCampaigns } from "../run/seed-campaigns.js";
import { WorkerFleet, waitForDrain } from "../run/worker-fleet.js";
import { NO_FAULTS } from "../sink/smtp-sink-faults.js";
import { openStore } from "../stores/open-store.js";
import { readSnapshot } from "../stores/store-snapshot.js";

/**
 * Four worker processes share one Postgres schema and several campaigns whose daily limits bind:
 * each campaign must send exactly `min(limit, what it has)` today, never more, and never one step twice.
 */
export async function runConcurrentWorkers(scale: number): Promise<ScenarioResult> {
  const started = Date.now();
  const env = await createScenarioEnvironment("concurrent", "postgres");
  const sink = await env.startSink(NO_FAULTS);
  try {
    const plans: CampaignPlan[] = [
      { leads: 600 * scale, dailyLimit: 1000 * scale, hardEvery: 50 }, // binds: 1,800 sends wanted
      { leads: 300 * scale, dailyLimit: 500 * scale }, // binds: 900 wanted
      { leads: 200 * scale, dailyLimit: 5000 * scale }, // does not bind
    ];
    const store = openStore(env.target);
    const campaigns = await seedCampaigns(store, plans);
    await store.close();
    const fleet = new WorkerFleet(
      { store: env.target, smtpPort: sink.port, smtpSocketMs: 5000, dispatch: FAST_DISPATCH },
      4,
    );
    fleet.start();
    await waitForDrain(env.target, fleet, {
      abort: () => sink.crashed() !== null,
      deadline: Date.now() + 600_000,
      quietMs: 3000,
    });
    await fleet.stop();

    const verdict = await env.verify(campaigns);
    const snapshot = await readSnapshot(env.target);
    const problems = fleet.log.crashes.map((c) => `worker-crashed: ${c.name} exited ${c.code ?? c.signal}`);
    if (sink.crashed()) problems.push(`sink-crashed: ${sink.crashed()}`);
    for (const r of fleet.log.reports)
      if (r.type === "error" && problems.length < 20)
        problems.push(`worker-error: ${r.name} ${r.context}: ${r.code} ${r.message}`);
    const totals: string[] = [];
    for (const campaign of campaigns) {
      const records = snapshot.emails.filter((e) => e.campaignId === campaign.id).length;
      // A bounced lead is sent its first step only; every other lead all three.
      const wanted = (campaign.leads - campaign.hardBounces) * STEPS + campaign.hardBounces;
      const expected = Math.min(campaign.dailyLimit, wanted);
      totals.push(`${records}/${expected}`);
      if (records !== expected)
        problems.push(`total-unexpected: campaign ${campaign.id} sent ${records}, expected ${expected}`);
    }
    return resultFromVerdict("concurrent-postgres", verdict, {
      kills: 0,
      started,
      problems,
      details: `${outcomeCounts(verdict)} sent_per_campaign=${totals.join(",")} workers=4 longest_tick_ms=${fleet.longestTickMs}`,
    });
  } finally {
    await sink.stop();
    await env.dispose();
  }
}
