import { performance } from "node:perf_hooks";
import { expectEqual } from "../harness/validate.js";
import { benchCampaign } from "../workload/bench-campaign.js";
import { benchEngine, instantTransport } from "../workload/bench-runtime.js";
import { BENCH_FILTER, seedProspects } from "../workload/seed-campaign.js";
import { openStore, type StoreLocation } from "../workload/store-location.js";

/** What one enroll measured. */
export interface EnrollMeasure {
  enrolled: number;
  seconds: number;
  perSecond: number;
}

/**
 * `cadenza.audience.enroll` with a filter matching `matching` of `matching + others` prospects, timed
 * alone; then checks every match became exactly one lead and nothing else did.
 */
export async function cadenzaEnroll(
  params: { store: StoreLocation; matching: number; others: number },
  ready: () => Promise<void>,
): Promise<EnrollMeasure> {
  const store = await openStore(params.store);
  try {
    const { cadenza } = benchEngine(store, instantTransport());
    await seedProspects(cadenza, params.matching, params.others);
    const campaign = await cadenza.campaigns.create(benchCampaign());
    await ready();
    const started = performance.now();
    const result = await cadenza.audience.enroll(campaign.id, { filter: BENCH_FILTER });
    const seconds = (performance.now() - started) / 1000;
    expectEqual("leads added", result.added, params.matching);
    expectEqual("lead ids returned", new Set(result.leadIds).size, params.matching);
    const counters = await cadenza.counters(campaign.id);
    expectEqual("leads in the campaign", counters.leadsCount, params.matching);
    expectEqual("active leads", counters.activeLeads, params.matching);
    const again = await cadenza.audience.enroll(campaign.id, { filter: BENCH_FILTER });
    expectEqual("leads added by enrolling the same filter again", again.added, 0);
    return { enrolled: result.added, seconds, perSecond: result.added / seconds };
  } finally {
    await store.close?.();
  }
}
