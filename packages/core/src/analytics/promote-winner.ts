import type { z } from "zod";
import type { VariantName } from "../campaign/campaign-schema.js";
import type { EngineContext } from "../engine-context.js";
import { parseInput } from "../errors.js";
import type { NewEvent } from "../ports.js";
import { campaignOrThrow } from "./analytics-context.js";
import {
  type AbComparison,
  type AbTestMetric,
  abTestMetricSchema,
  abTestOptionsSchema,
  buildAbTest,
} from "./campaign-ab-test.js";
import { buildCampaignMetrics } from "./campaign-metrics.js";

/** Which metric decides the winner, and the A/B test's confidence and minimum sample. */
export const promoteWinnerOptionsSchema = abTestOptionsSchema.extend({
  metric: abTestMetricSchema.default("replies"),
});
export type PromoteWinnerOptions = z.input<typeof promoteWinnerOptionsSchema>;

/**
 * - `promoted`: step 1 has a winner; it is now the campaign's `winnerVariant`;
 * - `already_promoted`: the campaign already had a winner; nothing changed;
 * - `no_ab_test`: step 1 has not sent both variants;
 * - `insufficient_sample` / `undecided`: the test's verdict; nothing changed.
 */
export type PromotionOutcome =
  | "promoted"
  | "already_promoted"
  | "no_ab_test"
  | "insufficient_sample"
  | "undecided";

/** What `promoteWinner` decided. */
export interface WinnerPromotion {
  campaignId: string;
  metric: AbTestMetric;
  outcome: PromotionOutcome;
  /** The campaign's winner after the call, if any. */
  winner: VariantName | null;
  /** Step 1's test on `metric`; null when there is none (or the campaign already had a winner). */
  comparison: AbComparison | null;
}

/**
 * Promotes the winner of step 1's A/B test on `metric` (replies by default): when the test has a
 * verdict A or B and the campaign has no winner yet, the winner becomes the campaign's
 * `winnerVariant`, a `winner_promoted` event is recorded and emitted. Leads whose first email has
 * not gone out (no assigned variant) then get the winner; leads mid-sequence keep their variant.
 *
 * ```ts
 * const decision = await cadenza.analytics.promoteWinner(campaignId, { metric: "replies", confidence: 0.95 });
 * if (decision.outcome === "promoted") console.log(`Variant ${decision.winner} wins`);
 * ```
 */
export async function promoteWinner(
  ctx: Pick<EngineContext, "store" | "clock" | "ids" | "hooks">,
  campaignId: string,
  options: PromoteWinnerOptions = {},
): Promise<WinnerPromotion> {
  const { metric, ...testOptions } = parseInput(promoteWinnerOptionsSchema, options, ["options"]);
  const campaign = await campaignOrThrow(ctx, campaignId);
  const decision = (
    outcome: PromotionOutcome,
    comparison: AbComparison | null,
    winner = campaign.winnerVariant,
  ) => ({
    campaignId,
    metric,
    outcome,
    winner,
    comparison,
  });
  if (campaign.winnerVariant) return decision("already_promoted", null);

  const metrics = buildCampaignMetrics(campaign, await ctx.store.getCounters(campaignId));
  const step = buildAbTest(metrics, testOptions).steps.find((s) => s.stepNumber === 1);
  if (!step) return decision("no_ab_test", null);
  const comparison = step[metric];
  if (comparison.verdict === "insufficient_sample" || comparison.verdict === "undecided") {
    return decision(comparison.verdict, comparison);
  }

  const winner = comparison.verdict;
  const at = ctx.clock.now();
  await ctx.store.updateCampaign(campaignId, { winnerVariant: winner, updatedAt: at });
  const event: NewEvent = {
    id: ctx.ids.id(),
    kind: "winner_promoted",
    campaignId,
    leadId: null,
    emailId: null,
    at,
    data: {
      variant: winner,
      metric,
      stepNumber: 1,
      rateA: comparison.rateA,
      rateB: comparison.rateB,
      difference: comparison.difference,
      pValue: comparison.pValue,
      confidence: testOptions.confidence,
      deliveredA: comparison.trialsA,
      deliveredB: comparison.trialsB,
    },
  };
  await ctx.store.appendEvents([event]);
  await ctx.hooks.emit([event]);
  return decision("promoted", comparison, winner);
}
