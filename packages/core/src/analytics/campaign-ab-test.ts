import { z } from "zod";
import { parseInput } from "../errors.js";
import { type AnalyticsContext, campaignOrThrow } from "./analytics-context.js";
import { buildCampaignMetrics, type CampaignMetrics } from "./campaign-metrics.js";
import type { MetricCounts } from "./metric-counts.js";
import { type TwoProportionTest, twoProportionZTest } from "./two-proportion-test.js";

/** The outcomes an A/B test compares, each as a share of delivered emails. */
export const AB_TEST_METRICS = ["replies", "opens", "clicks"] as const;
export const abTestMetricSchema = z.enum(AB_TEST_METRICS);
export type AbTestMetric = z.infer<typeof abTestMetricSchema>;

/** How sure a verdict must be, and how much data it needs first. */
export const abTestOptionsSchema = z.object({
  /** Confidence level: a winner needs p < 1 − confidence; intervals are drawn at it. */
  confidence: z.number().gt(0.5).lt(1).default(0.95),
  /** Delivered emails each variant needs before any verdict. */
  minSample: z.number().int().min(1).default(100),
  /** Expected successes (and failures) each variant needs under the pooled rate before any verdict. */
  minExpectedSuccesses: z.number().min(0).default(5),
});
export type AbTestOptions = z.input<typeof abTestOptionsSchema>;

/**
 * - `insufficient_sample`: a variant has fewer delivered emails or expected successes than required;
 *   nothing may be read from the numbers yet.
 * - `A` / `B`: that variant's rate is higher, with p < 1 − confidence.
 * - `undecided`: enough data, but no significant difference (which is not proof that there is none).
 */
export type AbVerdict = "insufficient_sample" | "undecided" | "A" | "B";

/** One metric of one step, B against A. */
export interface AbComparison extends TwoProportionTest {
  metric: AbTestMetric;
  /** Successes of A as tested (its count, capped at its delivered emails). */
  successesA: number;
  successesB: number;
  /** Delivered emails of A: the denominator of its rate. */
  trialsA: number;
  trialsB: number;
  /** Smallest expected count of successes or failures of either variant under the pooled rate. */
  minExpected: number;
  /** Both variants reached `minSample` delivered and `minExpectedSuccesses`. */
  sampleReached: boolean;
  verdict: AbVerdict;
}

/** The A/B test of one step whose two variants both sent. */
export interface StepAbTest {
  stepNumber: number;
  sent: { A: number; B: number };
  delivered: { A: number; B: number };
  replies: AbComparison;
  opens: AbComparison;
  clicks: AbComparison;
}

/** `campaignAbTest`'s answer, with the options it applied. */
export interface CampaignAbTest {
  campaignId: string;
  confidence: number;
  minSample: number;
  minExpectedSuccesses: number;
  steps: StepAbTest[];
}

type ParsedOptions = z.output<typeof abTestOptionsSchema>;

function compare(
  metric: AbTestMetric,
  a: MetricCounts,
  b: MetricCounts,
  options: ParsedOptions,
): AbComparison {
  const [trialsA, trialsB] = [a.delivered, b.delivered];
  // Counters can disagree by a report or two (a soft bounce on an opened email); a rate is never over 1.
  const successesA = Math.min(a[metric], trialsA);
  const successesB = Math.min(b[metric], trialsB);
  const test = twoProportionZTest({
    successesA,
    trialsA,
    successesB,
    trialsB,
    confidence: options.confidence,
  });
  const pooled = trialsA + trialsB > 0 ? (successesA + successesB) / (trialsA + trialsB) : 0;
  const minExpected = Math.min(trialsA, trialsB) * Math.min(pooled, 1 - pooled);
  const sampleReached =
    trialsA >= options.minSample &&
    trialsB >= options.minSample &&
    minExpected >= options.minExpectedSuccesses;
  const verdict: AbVerdict = !sampleReached
    ? "insufficient_sample"
    : test.pValue < 1 - options.confidence
      ? test.difference > 0
        ? "B"
        : "A"
      : "undecided";
  return { metric, successesA, successesB, trialsA, trialsB, ...test, minExpected, sampleReached, verdict };
}

/** Runs the A/B test on metrics already read. */
export function buildAbTest(metrics: CampaignMetrics, options: AbTestOptions = {}): CampaignAbTest {
  const parsed = parseInput(abTestOptionsSchema, options, ["options"]);
  const steps: StepAbTest[] = [];
  for (const step of metrics.steps) {
    const a = step.variants.find((v) => v.variant === "A");
    const b = step.variants.find((v) => v.variant === "B");
    if (!a || !b || a.sent === 0 || b.sent === 0) continue;
    steps.push({
      stepNumber: step.stepNumber,
      sent: { A: a.sent, B: b.sent },
      delivered: { A: a.delivered, B: b.delivered },
      replies: compare("replies", a, b, parsed),
      opens: compare("opens", a, b, parsed),
      clicks: compare("clicks", a, b, parsed),
    });
  }
  return { campaignId: metrics.campaignId, ...parsed, steps };
}

/**
 * A/B significance per step: for every step whose variants A and B both sent, a pooled
 * two-proportion z-test of reply, open and click rates (per delivered email), the difference B − A
 * with its confidence interval, and a verdict once the minimum sample is reached.
 *
 * ```ts
 * const test = await campaignAbTest({ store }, campaignId, { confidence: 0.95, minSample: 200 });
 * test.steps[0]?.replies.verdict; // "insufficient_sample" | "undecided" | "A" | "B"
 * ```
 */
export async function campaignAbTest(
  ctx: AnalyticsContext,
  campaignId: string,
  options: AbTestOptions = {},
): Promise<CampaignAbTest> {
  const parsed = parseInput(abTestOptionsSchema, options, ["options"]);
  const campaign = await campaignOrThrow(ctx, campaignId);
  return buildAbTest(buildCampaignMetrics(campaign, await ctx.store.getCounters(campaignId)), parsed);
}
