import type { Campaign } from "../campaign/campaign.js";
import { CadenzaError } from "../errors.js";
import type { Store } from "../ports.js";

/** What the read-only analytics need: a store. An engine's context, or just `{ store }`. */
export interface AnalyticsContext {
  store: Store;
}

/** The campaign, or NOT_FOUND. */
export async function campaignOrThrow(ctx: AnalyticsContext, campaignId: string): Promise<Campaign> {
  const campaign = await ctx.store.getCampaign(campaignId);
  if (!campaign) {
    throw new CadenzaError("NOT_FOUND", {
      message: `Campaign ${campaignId} does not exist`,
      details: { campaignId },
    });
  }
  return campaign;
}
