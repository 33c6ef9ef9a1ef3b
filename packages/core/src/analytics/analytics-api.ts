import type { EngineContext } from "../engine-context.js";
import { type BestSubjectLinesOptions, bestSubjectLines } from "./best-subject-lines.js";
import { type AbTestOptions, campaignAbTest } from "./campaign-ab-test.js";
import { campaignFunnel } from "./campaign-funnel.js";
import { campaignMetrics } from "./campaign-metrics.js";
import { campaignTimeSeries, type TimeSeriesRange } from "./campaign-time-series.js";
import { type PromoteWinnerOptions, promoteWinner } from "./promote-winner.js";

/**
 * The engine's analytics: metrics, funnel, time series, A/B significance, winner promotion and the
 * best subject lines, all read from the store's counters.
 *
 * ```ts
 * const metrics = await cadenza.analytics.metrics(campaignId);
 * const test = await cadenza.analytics.abTest(campaignId);
 * await cadenza.analytics.promoteWinner(campaignId, { metric: "replies" });
 * ```
 */
export function createAnalyticsApi(ctx: EngineContext) {
  return {
    /** Per-step, per-variant and campaign metrics with rates, and lead counts by status. */
    metrics: (campaignId: string) => campaignMetrics(ctx, campaignId),
    /** Leads reached, replied, unsubscribed and bounced per step, and step-to-step conversion. */
    funnel: (campaignId: string) => campaignFunnel(ctx, campaignId),
    /** One row per campaign day (campaign time zone) in the inclusive range, zeros on quiet days. */
    timeSeries: (campaignId: string, range: TimeSeriesRange) => campaignTimeSeries(ctx, campaignId, range),
    /** Two-proportion z-tests of B against A per step, on reply, open and click rates. */
    abTest: (campaignId: string, options?: AbTestOptions) => campaignAbTest(ctx, campaignId, options),
    /** Makes step 1's significant winner the campaign's `winnerVariant` (once). */
    promoteWinner: (campaignId: string, options?: PromoteWinnerOptions) =>
      promoteWinner(ctx, campaignId, options),
    /** First-step subject lines across campaigns, ranked by open rate then reply rate. */
    bestSubjectLines: (options?: BestSubjectLinesOptions) => bestSubjectLines(ctx, options),
  };
}

/** The `analytics` member of the engine. */
export type AnalyticsApi = ReturnType<typeof createAnalyticsApi>;
