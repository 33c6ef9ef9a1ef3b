import type { Campaign } from "../campaign/campaign.js";
import type { VariantName } from "../campaign/campaign-schema.js";
import type { EngineContext } from "../engine-context.js";
import { coerceError } from "../errors.js";
import type {
  ClaimedLead,
  LeadRelease,
  NewEvent,
  OutboundMessage,
  SendOutcomeWrite,
  SendResult,
} from "../ports.js";
import { campaignDay, isInSendWindow, nextWindowOpening, windowFor } from "../schedule/index.js";
import { assignVariant } from "../variant/index.js";
import { BatchLease } from "./batch-lease.js";
import { type ComposedEmail, composeEmail, isComposeFailure } from "./compose-email.js";
import { type DispatchReport, emptyReport } from "./dispatch-report.js";
import type { EmailRecord } from "./email-record.js";
import type { Mailbox } from "./mailbox-schema.js";
import { type SendDeferral, sendOutcome } from "./send-outcome.js";
import { BatchSender } from "./sender-holds.js";

/** The variant a lead gets: its locked one, the promoted winner, or the first step's split. */
export function leadVariantFor(
  campaign: Campaign,
  leadId: string,
  assigned: VariantName | null,
): VariantName {
  if (assigned) return assigned;
  if (campaign.winnerVariant) return campaign.winnerVariant;
  const first = campaign.steps[0];
  if (!campaign.abTestingEnabled || !first?.variantB) return "A";
  return assignVariant({ campaignId: campaign.id, leadId, split: first.variantSplit });
}

async function runLimited<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!);
    }
  });
  await Promise.all(workers);
  return results;
}

/** The batch's suppressed addresses (lower-case): as the claim found them, or asked of the store. */
async function suppressedAddresses(
  ctx: EngineContext,
  claimed: readonly ClaimedLead[],
): Promise<Set<string>> {
  if (claimed.every((c) => c.suppressed !== undefined)) {
    return new Set(
      claimed.flatMap((c) => (c.suppressed && c.prospect.email ? [c.prospect.email.toLowerCase()] : [])),
    );
  }
  const emails = claimed.map((c) => c.prospect.email).filter((e): e is string => e !== null);
  return emails.length > 0 ? ctx.store.findSuppressed(emails) : new Set<string>();
}

/**
 * Sends one batch of claimed leads: compose each email, record them all as `sending`, send them
 * (concurrently, bounded), then record every outcome in one write. Once the server refuses a send
 * on the sender's side (a throttle, no connection, a policy refusal), the batch's sends still to go
 * are not made: their leads wait for the sender's hold to end, their slots given back. A constant
 * number of store round trips per batch, one more when it holds or releases its sender, and one
 * more each third of `leaseMs` the batch lasts, renewing its leases.
 */
export async function sendBatch(
  ctx: EngineContext,
  campaign: Campaign,
  mailbox: Mailbox | null,
  claimed: ClaimedLead[],
  claimedAt: Date,
): Promise<DispatchReport> {
  const lease = new BatchLease(
    ctx,
    claimed[0]!.leaseToken,
    claimed.map((c) => c.lead.id),
    claimedAt,
  );
  try {
    return await sendLeased(ctx, campaign, mailbox, claimed, lease);
  } finally {
    await lease.end();
  }
}

async function sendLeased(
  ctx: EngineContext,
  campaign: Campaign,
  mailbox: Mailbox | null,
  claimed: ClaimedLead[],
  lease: BatchLease,
): Promise<DispatchReport> {
  const report = emptyReport();
  report.claimed = claimed.length;
  const now = ctx.clock.now();
  const sender = new BatchSender(ctx, mailbox, now);
  const day = campaignDay(now, campaign.timezone);
  const releases: LeadRelease[] = [];
  const events: NewEvent[] = [];
  const release = (c: ClaimedLead, extra: Partial<LeadRelease> = {}) =>
    releases.push({ leadId: c.lead.id, leaseToken: c.leaseToken, quotas: c.quotas, ...extra });
  // A lead that cannot be sent now keeps its place, paused with the reason, and the host hears why.
  const pause = (c: ClaimedLead, data: { reason: string } & Record<string, unknown>) => {
    release(c, { pause: { reason: data.reason } });
    events.push({
      id: ctx.ids.id(),
      kind: "paused",
      campaignId: campaign.id,
      leadId: c.lead.id,
      emailId: null,
      at: now,
      data,
    });
  };

  const suppressed = await suppressedAddresses(ctx, claimed);
  const needsThread = campaign.steps.some(
    (s) => s.stepNumber > 1 && (s.variantA.subject.trim() === "" || s.variantB?.subject.trim() === ""),
  );
  const threads = needsThread
    ? await ctx.store.getThreads(claimed.map((c) => c.lead.id))
    : new Map<string, EmailRecord[]>();

  const composed: { claim: ClaimedLead; email: ComposedEmail; leadVariant: VariantName }[] = [];
  // One batch, one instant, one campaign: whether the window is open depends only on the zone.
  const openIn = new Map<string, boolean>();
  for (const [i, c] of claimed.entries()) {
    if (i > 0 && i % COMPOSE_SLICE === 0) await ctx.clock.yield?.();
    const window = windowFor(campaign, c.prospect);
    const step = campaign.steps[c.lead.currentStep];
    let open = openIn.get(window.timezone);
    if (open === undefined) {
      open = isInSendWindow(now, window);
      openIn.set(window.timezone, open);
    }
    if (!open) {
      release(c, { nextEmailAt: nextWindowOpening(now, window) });
      continue;
    }
    if (!step || c.prospect.email === null || suppressed.has(c.prospect.email.toLowerCase())) {
      const reason = !step
        ? "No step left to send"
        : c.prospect.email === null
          ? "No email address"
          : "Address is suppressed";
      pause(c, { reason });
      continue;
    }
    const leadVariant = leadVariantFor(campaign, c.lead.id, c.lead.assignedVariant);
    const email = await composeEmail(ctx, {
      campaign,
      step,
      leadVariant,
      leadId: c.lead.id,
      leaseToken: c.leaseToken,
      prospect: c.prospect,
      mailbox,
      thread: threads.get(c.lead.id) ?? [],
      counterDay: day,
      attempts: c.lead.attempts,
    });
    if (isComposeFailure(email)) {
      pause(c, { reason: email.reason, missing: email.missing, stepNumber: step.stepNumber });
      continue;
    }
    composed.push({ claim: c, email, leadVariant });
  }

  const outcomes: SendOutcomeWrite[] = [];
  if (composed.length > 0) {
    await ctx.clock.yield?.();
    const begun = await ctx.store.beginSends(
      composed.map((x) => x.email.record),
      now,
    );
    const begunIds = new Set(begun.begun);
    const staleByLead = new Map(begun.stale.map((e) => [e.leadId, e]));
    const toSend = composed.filter((x) => begunIds.has(x.email.record.id));
    report.released += begun.fenced.length;
    for (const x of composed) {
      const stale = staleByLead.get(x.claim.lead.id);
      if (!stale) continue;
      report.unknown += 1;
      outcomes.push(
        sendOutcome(
          ctx,
          {
            campaign,
            lead: x.claim.lead,
            prospect: x.claim.prospect,
            leaseToken: x.claim.leaseToken,
            emailId: stale.id,
            stepNumber: stale.stepNumber ?? x.claim.lead.currentStep + 1,
            leadVariant: x.leadVariant,
            emailVariant: stale.variant ?? x.email.record.variant,
            counterDay: stale.counterDay ?? day,
            mailboxId: stale.mailboxId,
            at: now,
          },
          "stale",
        ),
      );
    }
    const results = await runLimited(
      toSend,
      ctx.dispatch.concurrency,
      async (x): Promise<SendResult | SendDeferral | null> => {
        const { message } = x.email;
        // Nothing after the transport reads the body: let it go before the outcomes are written, so a
        // batch's HTML does not outlive its sends (it is most of a batch's memory).
        x.email = withoutBody(x.email);
        // Another worker took the lead while this batch waited: there this attempt's `sending` record
        // becomes `unknown`, so sending it now would deliver an email no record shows.
        if (lease.lost.has(x.claim.lead.id)) return null;
        // The server refused an earlier send of the batch on the sender's side: this one would be too.
        const held = sender.heldBack(ctx.clock.now());
        if (held) return { status: "deferred", ...held };
        const result = await sendOne(ctx, message);
        sender.record(result, ctx.clock.now());
        return result;
      },
    );
    const sentAt = ctx.clock.now();
    toSend.forEach((x, i) => {
      const result = results[i];
      if (!result) {
        report.released += 1;
        return;
      }
      if (result.status === "deferred") report.released += 1;
      const outcome = sendOutcome(
        ctx,
        {
          campaign,
          lead: x.claim.lead,
          prospect: x.claim.prospect,
          leaseToken: x.claim.leaseToken,
          emailId: x.email.record.id,
          stepNumber: x.email.record.stepNumber,
          leadVariant: x.leadVariant,
          emailVariant: x.email.record.variant,
          counterDay: day,
          mailboxId: x.email.record.mailboxId,
          at: sentAt,
          generatedContent: x.email.generatedContent,
          quotas: x.claim.quotas,
          messageId: x.email.message.messageId,
          heldUntil: result.status === "deferred" ? undefined : sender.heldUntil(result),
        },
        result,
      );
      if (x.email.generationFallback) outcome.event.data.generationFallback = x.email.generationFallback;
      if (outcome.kind === "sent") {
        report.sent += 1;
        report.sentEmailIds.push(x.email.record.id);
      } else if (outcome.kind === "bounced") report.bounced += 1;
      else if (outcome.kind === "unknown") report.unknown += 1;
      else if (result.status !== "deferred") report.retried += 1;
      outcomes.push(outcome);
    });
  }

  await ctx.clock.yield?.();
  const completed =
    outcomes.length > 0 ? await ctx.store.completeSends(outcomes) : { applied: [], fenced: [] };
  if (releases.length > 0) await ctx.store.releaseLeads(releases, now);
  if (events.length > 0) await ctx.store.appendEvents(events);
  await sender.settle();
  report.released += releases.length;
  const applied = new Set(completed.applied);
  const emitted = outcomes.filter((o) => applied.has(o.leadId)).map((o) => o.event);
  for (const o of outcomes) {
    if (applied.has(o.leadId) && o.kind === "sent" && o.lead.status === "completed") {
      emitted.push({
        id: ctx.ids.id(),
        kind: "completed",
        campaignId: campaign.id,
        leadId: o.leadId,
        emailId: o.emailId,
        at: o.at,
        data: {},
      });
    }
  }
  await ctx.hooks.emit([...emitted, ...events]);
  return report;
}

/** One send; a transport that throws has not said the message was refused, so it counts as unreachable. */
async function sendOne(ctx: EngineContext, message: OutboundMessage): Promise<SendResult> {
  try {
    return await ctx.transport.send(message);
  } catch (error) {
    return { status: "rejected", kind: "transport", code: "EXCEPTION", response: coerceError(error).message };
  }
}

function withoutBody(email: ComposedEmail): ComposedEmail {
  return {
    ...email,
    message: { ...email.message, html: "", text: "" },
    record: { ...email.record, html: "", text: "" },
  };
}

/** Leads composed between two yields to the host (`Clock.yield`). */
const COMPOSE_SLICE = 10;
