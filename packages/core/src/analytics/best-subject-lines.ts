import { z } from "zod";
import type { VariantName } from "../campaign/campaign-schema.js";
import { parseInput } from "../errors.js";
import type { AnalyticsContext } from "./analytics-context.js";
import { buildCampaignMetrics } from "./campaign-metrics.js";

/** How many subject lines to return and how much data each needs. */
export const bestSubjectLinesOptionsSchema = z.object({
  limit: z.number().int().min(1).max(1_000).default(10),
  /** Delivered emails a subject line needs to be ranked at all. */
  minDelivered: z.number().int().min(1).default(50),
  /** Only campaigns that are active (or paused), as `listCampaigns({ active })` reads it. */
  active: z.boolean().optional(),
});
export type BestSubjectLinesOptions = z.input<typeof bestSubjectLinesOptionsSchema>;

/** One first-step subject line with how it did. */
export interface SubjectLinePerformance {
  campaignId: string;
  campaignName: string;
  variant: VariantName;
  /** The subject template as the campaign's first step holds it now (variables unrendered). */
  subject: string;
  sent: number;
  delivered: number;
  opens: number;
  clicks: number;
  replies: number;
  openRate: number;
  clickRate: number;
  replyRate: number;
}

/**
 * The best first-step subject lines across campaigns: each variant's subject with at least
 * `minDelivered` delivered emails, ranked by human open rate, then reply rate, then sample size.
 * Steps whose content is generated per prospect are left out: their template subject is not what
 * was sent.
 *
 * ```ts
 * const top = await bestSubjectLines({ store }, { limit: 5 });
 * top.map((s) => `${(s.openRate * 100).toFixed(1)} %  ${s.subject}`);
 * ```
 */
export async function bestSubjectLines(
  ctx: AnalyticsContext,
  options: BestSubjectLinesOptions = {},
): Promise<SubjectLinePerformance[]> {
  const { limit, minDelivered, active } = parseInput(bestSubjectLinesOptionsSchema, options, ["options"]);
  const campaigns = await ctx.store.listCampaigns(active === undefined ? undefined : { active });
  const lines: SubjectLinePerformance[] = [];
  for (const campaign of campaigns) {
    const first = campaign.steps.find((s) => s.stepNumber === 1);
    if (!first || first.useAiGeneration) continue;
    const metrics = buildCampaignMetrics(campaign, await ctx.store.getCounters(campaign.id));
    const step = metrics.steps.find((s) => s.stepNumber === 1);
    for (const v of step?.variants ?? []) {
      const content = v.variant === "A" ? first.variantA : first.variantB;
      if (!content || v.delivered < minDelivered) continue;
      lines.push({
        campaignId: campaign.id,
        campaignName: campaign.name,
        variant: v.variant,
        subject: content.subject,
        sent: v.sent,
        delivered: v.delivered,
        opens: v.opens,
        clicks: v.clicks,
        replies: v.replies,
        openRate: v.rates.openRate,
        clickRate: v.rates.clickRate,
        replyRate: v.rates.replyRate,
      });
    }
  }
  return lines
    .sort(
      (a, b) =>
        b.openRate - a.openRate ||
        b.replyRate - a.replyRate ||
        b.delivered - a.delivered ||
        (a.campaignId + a.variant < b.campaignId + b.variant ? -1 : 1),
    )
    .slice(0, limit);
}
