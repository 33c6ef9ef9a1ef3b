import { type AnalyticsContext, campaignOrThrow } from "./analytics-context.js";
import { buildCampaignMetrics, type CampaignMetrics } from "./campaign-metrics.js";
import { rate } from "./metric-counts.js";

/** One step of the funnel. */
export interface FunnelStep {
  stepNumber: number;
  /** Leads that reached the step: emails sent at it (each lead gets each step at most once). */
  reached: number;
  /** Leads that replied to this step's email. */
  replied: number;
  /** Leads that unsubscribed from this step's email. */
  unsubscribed: number;
  /** Leads whose address hard-bounced at this step (soft bounces do not stop a lead). */
  bounced: number;
  /** replied / reached. */
  replyRate: number;
  /** reached / the previous step's reached; for step 1, reached / leads enrolled. 0 when undefined. */
  conversionFromPrevious: number;
}

/** The funnel of a campaign: how many leads each step reached and what stopped them. */
export interface CampaignFunnel {
  campaignId: string;
  /** Leads in the campaign, whatever their status. */
  enrolled: number;
  steps: FunnelStep[];
}

/** Builds the funnel from campaign metrics. */
export function buildCampaignFunnel(metrics: CampaignMetrics): CampaignFunnel {
  let previous = metrics.leads.total;
  const steps = metrics.steps.map(({ stepNumber, total }): FunnelStep => {
    const step = {
      stepNumber,
      reached: total.sent,
      replied: total.replies,
      unsubscribed: total.unsubscribes,
      bounced: total.bouncedHard,
      replyRate: rate(total.replies, total.sent),
      conversionFromPrevious: rate(total.sent, previous),
    };
    previous = total.sent;
    return step;
  });
  return { campaignId: metrics.campaignId, enrolled: metrics.leads.total, steps };
}

/**
 * Per step: leads reached, replied, unsubscribed and bounced, and conversion from the step before.
 * Leads still waiting for their next step count as not (yet) converted.
 *
 * ```ts
 * const { steps } = await campaignFunnel({ store }, campaignId);
 * steps.map((s) => `${s.stepNumber}: ${s.reached} (${(s.conversionFromPrevious * 100).toFixed(0)} %)`);
 * ```
 */
export async function campaignFunnel(ctx: AnalyticsContext, campaignId: string): Promise<CampaignFunnel> {
  const campaign = await campaignOrThrow(ctx, campaignId);
  return buildCampaignFunnel(buildCampaignMetrics(campaign, await ctx.store.getCounters(campaignId)));
}
