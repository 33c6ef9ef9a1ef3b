import { match } from "ts-pattern";
import { type EmailRecord, NOTHING_HAPPENED_YET } from "../dispatch/email-record.js";
import type { EngineContext } from "../engine-context.js";
import { parseInput } from "../errors.js";
import { pauseLead } from "../lead/lead-operations.js";
import { recordReply, recordUnsubscribe } from "../lead/lead-signals.js";
import { classifyInbound, type InboundClassification } from "../tracking/classify-inbound.js";
import {
  type InboundMessage,
  type InboundMessageInput,
  inboundMessageSchema,
} from "../tracking/inbound-message.js";
import { findSentEmail, lastEmailTo } from "./find-sent-email.js";
import { receiveBounce, receiveComplaint, receiveDelay } from "./receive-report.js";

/** What became of an inbound message. */
export interface InboundOutcome {
  kind: InboundClassification["kind"];
  /** True when it was tied to an email this engine sent. */
  matched: boolean;
  emailId: string | null;
  leadId: string | null;
}

/**
 * Classifies an inbound message and applies it. A human reply stops the sequence (lead `replied`,
 * reply counters moved, the reply stored once per Message-ID). An automatic reply is not a reply: the
 * lead is paused until the return date when the text gives one, else left alone. A delivery report
 * bounces the lead (hard) or is counted (soft, once per email); a 5.7.x report refuses the sender, not
 * the address, so it flags the mailbox instead of suppressing anyone; a delay warning is only recorded.
 * A spam complaint unsubscribes the lead, suppresses the address and is counted; mail to the
 * `List-Unsubscribe` address unsubscribes its sender. Receiving the same message twice changes nothing
 * the first did not.
 */
export async function receiveInbound(
  ctx: EngineContext,
  input: InboundMessageInput,
): Promise<InboundOutcome> {
  const message = parseInput(inboundMessageSchema, input, ["message"]);
  const now = ctx.clock.now();
  const verdict = classifyInbound(message, {
    referenceDate: message.date ?? now,
    unsubscribeAddress: ctx.tracking?.options.unsubscribeMailto ?? null,
  });
  const outcome = (email: EmailRecord | null): InboundOutcome =>
    email?.leadId
      ? { kind: verdict.kind, matched: true, emailId: email.id, leadId: email.leadId }
      : { kind: verdict.kind, matched: false, emailId: null, leadId: null };

  return match(verdict)
    .with({ kind: "unknown" }, async () => outcome(null))
    .with({ kind: "bounce" }, async (bounce) => outcome(await receiveBounce(ctx, message, bounce, now)))
    .with({ kind: "delay" }, async (delay) => outcome(await receiveDelay(ctx, message, delay, now)))
    .with({ kind: "complaint" }, async (complaint) => outcome(await receiveComplaint(ctx, complaint, now)))
    .with({ kind: "unsubscribe" }, async ({ address }) =>
      outcome(await receiveUnsubscribe(ctx, address, now)),
    )
    .with({ kind: "auto_reply" }, async (auto) => {
      const email = await findSentEmail(ctx, message);
      if (!email?.leadId) return outcome(null);
      const event = {
        id: ctx.ids.id(),
        kind: "auto_replied" as const,
        campaignId: email.campaignId,
        leadId: email.leadId,
        emailId: email.id,
        at: now,
        data: { signal: auto.signal, returnDate: auto.returnDate?.toISOString() ?? null },
      };
      await ctx.store.appendEvents([event]);
      await ctx.hooks.emit([event]);
      // `returnDate` is the day they are back; the lead resumes then, at its window's next opening.
      if (auto.returnDate && auto.returnDate.getTime() > now.getTime()) {
        const lead = await ctx.store.getLead(email.leadId);
        if (lead?.status === "active") {
          await pauseLead(ctx, lead.id, { until: auto.returnDate, reason: "Out of office" });
        }
      }
      return outcome(email);
    })
    .with({ kind: "reply" }, async () => {
      const email = await findSentEmail(ctx, message);
      if (!email?.leadId) return outcome(null);
      await saveReply(ctx, message, email, now);
      // Idempotent: a reply delivered again (not stored twice) finishes what an interrupted first left.
      await recordReply(ctx, { emailId: email.id }, now);
      return outcome(email);
    })
    .exhaustive();
}

/**
 * Unsubscribes the sender of mail to the `List-Unsubscribe` address, as the one-click link does, from
 * the newest email sent to that address (the request names no email; its sender is the recipient). An
 * address the engine never wrote to is suppressed all the same.
 */
async function receiveUnsubscribe(ctx: EngineContext, address: string, now: Date) {
  const email = await lastEmailTo(ctx, [address], now, null);
  if (email?.leadId) {
    await recordUnsubscribe(ctx, { emailId: email.id }, now);
    return email;
  }
  await ctx.store.suppress([{ email: address, reason: "unsubscribed", campaignId: null, createdAt: now }]);
  return null;
}

function saveReply(ctx: EngineContext, message: InboundMessage, email: EmailRecord, now: Date) {
  return ctx.store.saveInboundEmail({
    id: ctx.ids.id(),
    campaignId: email.campaignId,
    leadId: email.leadId,
    prospectId: email.prospectId,
    stepNumber: null,
    variant: null,
    mailboxId: email.mailboxId,
    direction: "inbound",
    status: "received",
    messageId: message.messageId ?? `<inbound-${ctx.ids.token()}@cadenza.invalid>`,
    providerMessageId: null,
    inReplyTo: email.messageId,
    references: message.references,
    subject: message.subject,
    html: message.html,
    text: message.text,
    toEmail: email.fromEmail,
    fromEmail: message.from?.address ?? email.toEmail,
    idempotencyKey: null,
    response: null,
    generated: false,
    links: [],
    counterDay: null,
    ...NOTHING_HAPPENED_YET,
    createdAt: now,
  });
}
