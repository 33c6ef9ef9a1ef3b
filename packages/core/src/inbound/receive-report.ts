import type { EmailRecord } from "../dispatch/email-record.js";
import type { EngineContext } from "../engine-context.js";
import { recordBounce, recordComplaint } from "../lead/lead-signals.js";
import type { NewEvent } from "../ports.js";
import type { InboundClassification } from "../tracking/classify-inbound.js";
import type { InboundMessage } from "../tracking/inbound-message.js";
import { messageIdsIn } from "../tracking/match-keys.js";
import { findSentEmail, lastEmailTo } from "./find-sent-email.js";

type Verdict<K extends InboundClassification["kind"]> = Extract<InboundClassification, { kind: K }>;

/**
 * A report's failure is about an email sent at most this long ago when it is matched by its recipient
 * alone: servers give up on a message within five days (Postfix, Sendmail; Exchange sooner).
 */
const BOUNCE_MATCH_DAYS = 7;
/** Complaints come when the recipient looks at the message, often days after it arrived. */
const COMPLAINT_MATCH_DAYS = 30;

/**
 * The email a delivery report is about: by its envelope id (the transport sends the email's
 * Message-ID as the DSN `ENVID`), then the returned message's Message-ID, then what the report answers.
 */
function findReported(
  ctx: EngineContext,
  message: InboundMessage,
  report: Pick<Verdict<"bounce">, "envelopeId" | "originalMessageId">,
): Promise<EmailRecord | null> {
  const ids = [...messageIdsIn(report.envelopeId ?? ""), ...messageIdsIn(report.originalMessageId ?? "")];
  return findSentEmail(ctx, message, ids);
}

/**
 * Applies a bounce report: a 5.7.x refusal flags the sending mailbox; otherwise the lead bounces
 * (hard) or the email counts a soft bounce. A report that names no email it can be tied to is matched
 * by its recipient only when it shows that address does not exist (`addressRejected`), and then to the
 * newest email sent to that very address in the last week.
 */
export async function receiveBounce(
  ctx: EngineContext,
  message: InboundMessage,
  bounce: Verdict<"bounce">,
  now: Date,
): Promise<EmailRecord | null> {
  let email = await findReported(ctx, message, bounce);
  if (!email && bounce.addressRejected && !bounce.policy) {
    email = await lastEmailTo(ctx, [bounce.recipient, bounce.originalRecipient], now, BOUNCE_MATCH_DAYS);
  }
  if (!email?.leadId) return null;
  if (bounce.policy) {
    await flagMailbox(ctx, email, bounce, now);
    return email;
  }
  await recordBounce(
    ctx,
    { emailId: email.id },
    { type: bounce.bounceType, status: bounce.status, reason: bounce.diagnostic },
    now,
  );
  return email;
}

async function flagMailbox(ctx: EngineContext, email: EmailRecord, bounce: Verdict<"bounce">, now: Date) {
  if (email.mailboxId) {
    const mailbox = await ctx.store.getMailbox(email.mailboxId);
    if (mailbox)
      await ctx.store.saveMailbox({
        ...mailbox,
        flaggedAt: now,
        flagReason: `${bounce.status} ${bounce.diagnostic ?? ""}`.trim(),
        updatedAt: now,
      });
  }
  await appendEvent(ctx, email, now, "mailbox_flagged", {
    status: bounce.status,
    diagnostic: bounce.diagnostic,
    mailboxId: email.mailboxId,
  });
}

/** Records a delay warning as an event: the message is still queued, so nothing is counted or stopped. */
export async function receiveDelay(
  ctx: EngineContext,
  message: InboundMessage,
  delay: Verdict<"delay">,
  now: Date,
): Promise<EmailRecord | null> {
  const email = await findReported(ctx, message, delay);
  if (!email?.leadId) return null;
  await appendEvent(ctx, email, now, "delivery_delayed", {
    status: delay.status,
    diagnostic: delay.diagnostic,
    recipient: delay.recipient,
  });
  return email;
}

/**
 * Applies a spam complaint to the email it reports (by the returned message's Message-ID), else to the
 * newest email sent in the last 30 days to the recipient the report names.
 */
export async function receiveComplaint(
  ctx: EngineContext,
  complaint: Verdict<"complaint">,
  now: Date,
): Promise<EmailRecord | null> {
  const ids = messageIdsIn(complaint.originalMessageId ?? "");
  // The report's own threading headers are not the reported message's: only its returned copy counts.
  let email = ids.length > 0 ? ((await ctx.store.findEmailsByMessageId(ids))[0] ?? null) : null;
  if (!email) email = await lastEmailTo(ctx, [complaint.recipient], now, COMPLAINT_MATCH_DAYS);
  if (!email?.leadId) return null;
  await recordComplaint(
    ctx,
    { emailId: email.id },
    { feedbackType: complaint.feedbackType, reporter: complaint.reporter },
    now,
  );
  return email;
}

async function appendEvent(
  ctx: EngineContext,
  email: EmailRecord,
  now: Date,
  kind: NewEvent["kind"],
  data: Record<string, unknown>,
) {
  const event: NewEvent = {
    id: ctx.ids.id(),
    kind,
    campaignId: email.campaignId,
    leadId: email.leadId,
    emailId: email.id,
    at: now,
    data,
  };
  await ctx.store.appendEvents([event]);
  await ctx.hooks.emit([event]);
}
