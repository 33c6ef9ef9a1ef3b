import type { EngineContext } from "../engine-context.js";
import { CadenzaError } from "../errors.js";
import type { LeadChange } from "../ports.js";
import type { Lead } from "./lead.js";
import { type ChangeSpec, changeLead, leadChangeFor, nextOpeningFor } from "./lead-operations.js";

/** What a retry records: the `retried` event, with the attempts and the reason the lead failed with. */
function retrySpec(lead: Lead, at: Date, nextEmailAt: Date): ChangeSpec {
  return {
    event: { type: "retried", at, nextEmailAt },
    eventKind: "retried",
    data: { attempts: lead.attempts, lastError: lead.lastError },
  };
}

/**
 * Puts a failed lead back into its sequence: the step it failed at is due at the next opening of its
 * send window, its attempts start over. Fenced on the lead's version like every lead change; throws
 * ILLEGAL_TRANSITION when the lead has not failed (or no longer has), NOT_FOUND when it does not exist.
 *
 * ```ts
 * const { lead } = await cadenza.leads.retry(leadId); // lead.status === "active", lead.attempts === 0
 * ```
 */
export async function retryLead(ctx: EngineContext, leadId: string) {
  const at = ctx.clock.now();
  const lead = await ctx.store.getLead(leadId);
  if (!lead)
    throw new CadenzaError("NOT_FOUND", { message: `Lead ${leadId} does not exist`, details: { leadId } });
  const campaign = await ctx.store.getCampaign(lead.campaignId);
  const [prospect] = await ctx.store.getProspects([lead.prospectId]);
  const nextEmailAt = nextOpeningFor(campaign, prospect ?? null, at);
  return changeLead(ctx, leadId, retrySpec(lead, at, nextEmailAt), false);
}

/**
 * Puts every failed lead of a campaign back into its sequence, `pageSize` leads to a store write:
 * each as `retryLead` does, fenced on its version. A lead that changed after it was read is read
 * again and retried only if it is still failed. Returns how many were retried; NOT_FOUND when the
 * campaign does not exist.
 */
export async function retryFailedLeads(
  ctx: EngineContext,
  campaignId: string,
  options: { pageSize?: number } = {},
): Promise<{ retried: number }> {
  const campaign = await ctx.store.getCampaign(campaignId);
  if (!campaign) {
    throw new CadenzaError("NOT_FOUND", {
      message: `Campaign ${campaignId} does not exist`,
      details: { campaignId },
    });
  }
  const pageSize = Math.max(1, Math.floor(options.pageSize ?? 500));
  const seen = new Set<string>();
  let retried = 0;
  for (;;) {
    // Retried leads leave `failed`, so each page is read from the start.
    const page = await ctx.store.listLeads(campaignId, { status: "failed", limit: pageSize, offset: 0 });
    const fresh = page.filter((lead) => !seen.has(lead.id));
    if (fresh.length === 0) return { retried };
    for (const lead of fresh) seen.add(lead.id);
    const at = ctx.clock.now();
    const prospects = new Map(
      (await ctx.store.getProspects(fresh.map((l) => l.prospectId))).map((p) => [p.id, p]),
    );
    const changes: LeadChange[] = fresh.map((lead) =>
      leadChangeFor(
        ctx,
        lead,
        campaign.steps.length,
        retrySpec(lead, at, nextOpeningFor(campaign, prospects.get(lead.prospectId) ?? null, at)),
      ),
    );
    const result = await ctx.store.applyLeadChanges(changes);
    const applied = new Set(result.applied);
    await ctx.hooks.emit(changes.filter((c) => applied.has(c.leadId)).map((c) => c.event));
    retried += applied.size;
    for (const leadId of result.conflicts) {
      const again = await ctx.store.getLead(leadId);
      if (again?.status !== "failed") continue;
      const { changed } = await changeLead(
        ctx,
        leadId,
        retrySpec(again, at, nextOpeningFor(campaign, prospects.get(again.prospectId) ?? null, at)),
        true,
      );
      if (changed) retried += 1;
    }
  }
}
