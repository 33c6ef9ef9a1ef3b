import type { EmailRecord } from "../dispatch/email-record.js";
import type { EngineContext } from "../engine-context.js";
import { CadenzaError, coerceError } from "../errors.js";
import type { EventKind, LeadChange } from "../ports.js";
import type { Lead } from "./lead.js";
import { changeLead, emailCounter, type LeadChangeResult, pauseLead } from "./lead-operations.js";

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

/** The address of a lead's prospect: what a hard bounce, a complaint or an unsubscribe suppresses. */
async function addressOf(ctx: EngineContext, leadId: string): Promise<string | null> {
  const lead = await ctx.store.getLead(leadId);
  const [prospect] = lead ? await ctx.store.getProspects([lead.prospectId]) : [];
  return prospect?.email ?? null;
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
  const result = await changeLead(
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
  if (result.changed && ctx.pauseOtherCampaignsOnReply) await pauseOtherCampaigns(ctx, result.lead);
  return result;
}

/**
 * Pauses the replying prospect's active leads in the other campaigns, each with the reason. Looks the
 * prospect up in each campaign (one indexed read per campaign, on a reply only).
 */
async function pauseOtherCampaigns(ctx: EngineContext, replied: { campaignId: string; prospectId: string }) {
  const campaigns = await ctx.store.listCampaigns();
  const name = campaigns.find((c) => c.id === replied.campaignId)?.name ?? replied.campaignId;
  for (const campaign of campaigns) {
    if (campaign.id === replied.campaignId) continue;
    const lead = await ctx.store.findLead(campaign.id, replied.prospectId);
    if (lead?.status !== "active") continue;
    await pauseLead(ctx, lead.id, { reason: `Replied to ${name}` }).catch((error: unknown) =>
      ctx.reportError(coerceError(error), `pausing lead ${lead.id} after a reply in another campaign`),
    );
  }
}

/**
 * Records a bounce reported after sending (a DSN or a provider webhook). Hard: the lead bounces and the
 * address is suppressed everywhere. Soft: counted, and the sequence goes on. An email counts as bounced
 * once, as the type its first report gave: a second report of the same email (a webhook delivered
 * twice, a hard report after a soft one) moves no counter and, when soft, records nothing.
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
  const first = email ? await ctx.store.markEmail(email.id, "bounced", at) : true;
  if (bounce.type === "soft") {
    if (!first) return null;
    return recordBesideStatus(ctx, leadId, {
      counters: emailCounter(email, "bouncedSoft", timezone, at),
      event: {
        id: ctx.ids.id(),
        kind: "bounced",
        campaignId: email?.campaignId ?? null,
        leadId,
        emailId: email?.id ?? null,
        at,
        data: { type: "soft", status: bounce.status ?? null, reason },
      },
    });
  }
  const address = await addressOf(ctx, leadId);
  const suppress = address
    ? { email: address, reason: `hard bounce ${bounce.status ?? ""}`.trim() }
    : undefined;
  const data = { type: "hard", status: bounce.status ?? null, reason };
  const result = await changeLead(
    ctx,
    leadId,
    {
      event: { type: "bounced", at, reason },
      eventKind: "bounced",
      email,
      counters: (_lead, e) => (first ? emailCounter(e, "bouncedHard", timezone, at) : []),
      suppress,
      data,
    },
    true,
  );
  if (result.changed || !first) return result;
  // The lead had stopped (it replied, unsubscribed, failed): the address is dead all the same, and
  // the email bounced, so it is suppressed and counted, and the lead keeps its status.
  const counters = emailCounter(email, "bouncedHard", timezone, at);
  await recordOnStoppedLead(ctx, result.lead, { kind: "bounced", email, at, counters, suppress, data });
  return result;
}

/**
 * Records a spam complaint (a feedback-loop report) about a sent email: the recipient opted out in the
 * strongest terms, so the lead stops as `unsubscribed`, the address is suppressed for every campaign,
 * and the complaint counter of the step and variant moves once per email. A lead that had already
 * stopped keeps its status; the complaint is still counted, suppressed and recorded. Idempotent.
 */
export async function recordComplaint(
  ctx: EngineContext,
  target: SignalTarget,
  complaint: { feedbackType?: string | null; reporter?: string | null } = {},
  at = ctx.clock.now(),
): Promise<LeadChangeResult | null> {
  const { email, leadId } = await resolve(ctx, target);
  const timezone = await timezoneOf(ctx, email?.campaignId ?? null);
  const first = email ? await ctx.store.markEmail(email.id, "complained", at) : true;
  if (!first) return null;
  const address = await addressOf(ctx, leadId);
  const suppress = address ? { email: address, reason: "spam complaint" } : undefined;
  const counters = emailCounter(email, "complaints", timezone, at);
  const data = { feedbackType: complaint.feedbackType ?? "abuse", reporter: complaint.reporter ?? null };
  const result = await changeLead(
    ctx,
    leadId,
    {
      event: { type: "unsubscribed", at },
      eventKind: "complained",
      email,
      counters: () => counters,
      suppress,
      data,
    },
    true,
  );
  if (result.changed) return result;
  return recordOnStoppedLead(ctx, result.lead, { kind: "complained", email, at, counters, suppress, data });
}

/**
 * For a lead whose status refused the event (it had stopped): the counters and suppression all the
 * same, and an event that says the lead kept its status.
 */
function recordOnStoppedLead(
  ctx: EngineContext,
  lead: Lead,
  write: Pick<LeadChange, "counters" | "suppress"> & {
    kind: EventKind;
    email: EmailRecord | null;
    at: Date;
    data: Record<string, unknown>;
  },
): Promise<LeadChangeResult | null> {
  const { kind, email, at, data, ...rest } = write;
  return recordBesideStatus(ctx, lead.id, {
    ...rest,
    event: {
      id: ctx.ids.id(),
      kind,
      campaignId: lead.campaignId,
      leadId: lead.id,
      emailId: email?.id ?? null,
      at,
      data: { from: lead.status, to: lead.status, ...data },
    },
  });
}

/**
 * Writes counters, a suppression and an event for a lead without changing its status (a soft bounce,
 * a complaint about a lead that had stopped): the version fence only orders the write with others.
 */
async function recordBesideStatus(
  ctx: EngineContext,
  leadId: string,
  write: Pick<LeadChange, "counters" | "suppress" | "event">,
): Promise<LeadChangeResult | null> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const lead = await ctx.store.getLead(leadId);
    if (!lead) return null;
    const result = await ctx.store.applyLeadChanges([
      { leadId, expectedVersion: lead.version, set: {}, ...write },
    ]);
    if (result.applied.length > 0) {
      await ctx.hooks.emit([write.event]);
      return { lead, changed: false };
    }
  }
  throw new CadenzaError("CONFLICT", {
    message: `Lead ${leadId} kept changing while recording a ${write.event.kind} event`,
  });
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
  const address = await addressOf(ctx, leadId);
  const result = await changeLead(
    ctx,
    leadId,
    {
      event: { type: "unsubscribed", at },
      eventKind: "unsubscribed",
      email,
      counters: (_lead, e) => emailCounter(e, "unsubscribes", timezone, at),
      suppress: address ? { email: address, reason: "unsubscribed" } : undefined,
    },
    true,
  );
  if (!result.changed && address) {
    await ctx.store.suppress([
      { email: address, reason: "unsubscribed", campaignId: result.lead.campaignId, createdAt: at },
    ]);
  }
  return result;
}
