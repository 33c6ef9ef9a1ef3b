import type { EmailRecord } from "../dispatch/email-record.js";
import type { EngineContext } from "../engine-context.js";
import { CadenzaError } from "../errors.js";
import { changeLead, emailCounter, type LeadChangeResult } from "./lead-operations.js";

/** Where a reply, bounce or unsubscribe points: a sent email (preferred) or a lead. */
export type SignalTarget = { emailId: string } | { messageId: string } | { leadId: string };

async function resolve(
  ctx: EngineContext,
  target: SignalTarget,
): Promise<{ email: EmailRecord | null; leadId: string }> {
  if ("leadId" in target) return { email: null, leadId: target.leadId };
  const email =
    "emailId" in target
      ? await ctx.store.getEmail(target.emailId)
      : ((await ctx.store.findEmailsByMessageId([target.messageId]))[0] ?? null);
  if (!email?.leadId) {
    throw new CadenzaError("NOT_FOUND", {
      message: "No sent email matches this signal",
      details: { target },
    });
  }
  return { email, leadId: email.leadId };
}

async function timezoneOf(ctx: EngineContext, campaignId: string | null): Promise<string> {
  if (!campaignId) return "UTC";
  return (await ctx.store.getCampaign(campaignId))?.timezone ?? "UTC";
}

/**
 * Records a human reply: the sequence stops, the lead is `replied`, and the reply counters of the
 * step and variant replied to move once per lead. For hosts whose provider sends webhooks (e.g.
 * Microsoft Graph) instead of raw mail.
 */
export async function recordReply(
  ctx: EngineContext,
  target: SignalTarget,
  at = ctx.clock.now(),
): Promise<LeadChangeResult> {
  const { email, leadId } = await resolve(ctx, target);
  const timezone = await timezoneOf(ctx, email?.campaignId ?? null);
  if (email) await ctx.store.markEmail(email.id, "replied", at);
  return changeLead(
    ctx,
    leadId,
    {
      event: { type: "replied", at },
      eventKind: "replied",
      email,
      counters: (lead, e) => (lead.hasReplied ? [] : emailCounter(e, "replies", timezone, at)),
    },
    true,
  );
}

/**
 * Records a bounce reported after sending (a DSN or a provider webhook). Hard: the lead bounces and the
 * address is suppressed everywhere. Soft: counted, and the sequence goes on.
 */
export async function recordBounce(
  ctx: EngineContext,
  target: SignalTarget,
  bounce: { type: "hard" | "soft"; status?: string | null; reason?: string | null },
  at = ctx.clock.now(),
): Promise<LeadChangeResult | null> {
  const { email, leadId } = await resolve(ctx, target);
  const timezone = await timezoneOf(ctx, email?.campaignId ?? null);
  const reason = [bounce.status, bounce.reason].filter(Boolean).join(" ") || `${bounce.type} bounce`;
  if (bounce.type === "soft") {
    const counters = emailCounter(email, "bouncedSoft", timezone, at);
    const event = {
      id: ctx.ids.id(),
      kind: "bounced" as const,
      campaignId: email?.campaignId ?? null,
      leadId,
      emailId: email?.id ?? null,
      at,
      data: { type: "soft", status: bounce.status ?? null, reason },
    };
    // A soft bounce changes no status; the version fence only orders it with other writers.
    for (let attempt = 0; attempt < 5; attempt++) {
      const lead = await ctx.store.getLead(leadId);
      if (!lead) return null;
      const result = await ctx.store.applyLeadChanges([
        { leadId, expectedVersion: lead.version, set: {}, counters, event },
      ]);
      if (result.applied.length > 0) {
        await ctx.hooks.emit([event]);
        return { lead, changed: false };
      }
    }
    throw new CadenzaError("CONFLICT", {
      message: `Lead ${leadId} kept changing while recording a soft bounce`,
    });
  }
  const first = email ? await ctx.store.markEmail(email.id, "bounced", at) : true;
  const lead = await ctx.store.getLead(leadId);
  const [prospect] = lead ? await ctx.store.getProspects([lead.prospectId]) : [];
  return changeLead(
    ctx,
    leadId,
    {
      event: { type: "bounced", at, reason },
      eventKind: "bounced",
      email,
      counters: (_lead, e) => (first ? emailCounter(e, "bouncedHard", timezone, at) : []),
      suppress: prospect?.email
        ? { email: prospect.email, reason: `hard bounce ${bounce.status ?? ""}`.trim() }
        : undefined,
      data: { type: "hard", status: bounce.status ?? null, reason },
    },
    true,
  );
}

/**
 * Unsubscribes the prospect behind a sent email: the lead stops, the address is suppressed for every
 * campaign, and the unsubscribe counter of the step and variant moves once. Idempotent.
 */
export async function recordUnsubscribe(
  ctx: EngineContext,
  target: SignalTarget,
  at = ctx.clock.now(),
): Promise<LeadChangeResult> {
  const { email, leadId } = await resolve(ctx, target);
  const timezone = await timezoneOf(ctx, email?.campaignId ?? null);
  const lead = await ctx.store.getLead(leadId);
  const [prospect] = lead ? await ctx.store.getProspects([lead.prospectId]) : [];
  const result = await changeLead(
    ctx,
    leadId,
    {
      event: { type: "unsubscribed", at },
      eventKind: "unsubscribed",
      email,
      counters: (_lead, e) => emailCounter(e, "unsubscribes", timezone, at),
      suppress: prospect?.email ? { email: prospect.email, reason: "unsubscribed" } : undefined,
    },
    true,
  );
  if (!result.changed && prospect?.email) {
    await ctx.store.suppress([
      { email: prospect.email, reason: "unsubscribed", campaignId: lead?.campaignId ?? null, createdAt: at },
    ]);
  }
  return result;
}
