import type { Campaign } from "../campaign/campaign.js";
import type { VariantName } from "../campaign/campaign-schema.js";
import type { LeadStatus } from "../lead/lead.js";
import { type AnalyticsContext, campaignOrThrow } from "./analytics-context.js";
import { type CampaignCounters, emptyStepCounters, type StepCounters } from "./counters.js";
import { type Metrics, metricsFromCounters, sumMetrics } from "./metric-counts.js";

/** Metrics of one variant of one step (the emails recorded with that variant's content). */
export interface VariantMetrics extends Metrics {
  variant: VariantName;
}

/** Metrics of one step: per variant, and their sum. */
export interface StepMetrics {
  stepNumber: number;
  variants: VariantMetrics[];
  /** Sum of `variants`. */
  total: Metrics;
}

/** Everything `campaignMetrics` reports for one campaign. */
export interface CampaignMetrics {
  campaignId: string;
  /** Steps in order: every step of the campaign, plus any step that has counters but was since removed. */
  steps: StepMetrics[];
  /** Sum of the steps. */
  total: Metrics;
  leads: { total: number; byStatus: Record<LeadStatus, number> };
}

/**
 * Builds the metrics from a campaign and its counters, without touching a store. Each step of the
 * campaign lists variant A, and B when the step has B content or B counters; a step or variant
 * that sent nothing yet shows zeros.
 */
export function buildCampaignMetrics(
  campaign: Pick<Campaign, "id" | "steps">,
  counters: CampaignCounters,
): CampaignMetrics {
  const rows = new Map<number, Map<VariantName, StepCounters>>();
  const row = (stepNumber: number, variant: VariantName) => {
    let variants = rows.get(stepNumber);
    if (!variants) {
      variants = new Map();
      rows.set(stepNumber, variants);
    }
    if (!variants.has(variant)) variants.set(variant, emptyStepCounters());
    return variants.get(variant)!;
  };
  for (const step of campaign.steps) {
    row(step.stepNumber, "A");
    if (step.variantB) row(step.stepNumber, "B");
  }
  for (const { stepNumber, variant, ...values } of counters.steps) {
    Object.assign(row(stepNumber, variant), values);
  }
  const steps: StepMetrics[] = [...rows.entries()]
    .sort(([a], [b]) => a - b)
    .map(([stepNumber, variants]) => {
      const perVariant = [...variants.entries()]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([variant, values]) => ({ variant, ...metricsFromCounters(values) }));
      return { stepNumber, variants: perVariant, total: sumMetrics(perVariant) };
    });
  const byStatus = { ...counters.leadsByStatus };
  return {
    campaignId: campaign.id,
    steps,
    total: sumMetrics(steps.map((s) => s.total)),
    leads: { total: Object.values(byStatus).reduce((n, c) => n + c, 0), byStatus },
  };
}

/**
 * Per-step, per-variant and campaign metrics with their rates, read from the store's counters
 * (never recounted from emails).
 *
 * ```ts
 * const m = await campaignMetrics({ store }, campaignId);
 * m.steps[0].variants.map((v) => [v.variant, v.rates.replyRate]);
 * ```
 */
export async function campaignMetrics(ctx: AnalyticsContext, campaignId: string): Promise<CampaignMetrics> {
  const campaign = await campaignOrThrow(ctx, campaignId);
  return buildCampaignMetrics(campaign, await ctx.store.getCounters(campaignId));
}
