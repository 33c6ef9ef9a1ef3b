import type { Cadenza } from "@cadenza/core";
import { expectEqual } from "../harness/validate.js";
import { benchCampaign, benchProspect } from "./bench-campaign.js";

/** Prospects per upsert call: the engine's largest batch. */
const UPSERT_BATCH = 5_000;

/**
 * Upserts `matching` prospects the bench filter matches (and `others` it does not) in batches, the way
 * an import does.
 */
export async function seedProspects(cadenza: Cadenza, matching: number, others = 0): Promise<void> {
  const total = matching + others;
  for (let from = 0; from < total; from += UPSERT_BATCH) {
    const batch = [];
    for (let i = from; i < Math.min(total, from + UPSERT_BATCH); i++) {
      batch.push(benchProspect(i, i < matching ? "hot" : "cold"));
    }
    await cadenza.prospects.upsert(batch);
  }
}

/** The bench filter: the prospects `seedProspects` made to match. */
export const BENCH_FILTER = { tier: "hot" as const };

/**
 * A campaign with every matching prospect enrolled and the campaign active, so `leads` leads are due
 * at the bench clock's instant.
 */
export async function seedDueCampaign(cadenza: Cadenza, leads: number): Promise<string> {
  await seedProspects(cadenza, leads);
  const campaign = await cadenza.campaigns.create(benchCampaign());
  const enrolled = await cadenza.audience.enroll(campaign.id, { filter: BENCH_FILTER });
  expectEqual("leads enrolled", enrolled.added, leads);
  await cadenza.campaigns.activate(campaign.id);
  return campaign.id;
}
