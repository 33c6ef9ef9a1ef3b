import { match } from "ts-pattern";
import type { EmailRecord } from "../dispatch/email-record.js";
import type { EngineContext } from "../engine-context.js";
import { parseInput } from "../errors.js";
import { pauseLead } from "../lead/lead-operations.js";
import { recordBounce, recordReply } from "../lead/lead-signals.js";
import { classifyInbound, type InboundClassification } from "../tracking/classify-inbound.js";
import {
  type InboundMessage,
  type InboundMessageInput,
  inboundMessageSchema,
} from "../tracking/inbound-message.js";
import { matchKeys } from "../tracking/match-keys.js";

/** What became of an inbound message. */
export interface InboundOutcome {
  kind: InboundClassification["kind"];
  /** True when it was tied to an email this engine sent. */
  matched: boolean;
  emailId: string | null;
  leadId: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The sent email a message answers: by its Message-IDs (newest first), else a plus-address token. */
async function findAnswered(
  ctx: EngineContext,
  message: InboundMessage,
  extraIds: string[] = [],
): Promise<EmailRecord | null> {
  const keys = matchKeys(message);
  const ids = [...extraIds, ...keys.messageIds];
  if (ids.length > 0) {
    const found = await ctx.store.findEmailsByMessageId(ids);
    const byId = new Map<string, EmailRecord>();
    for (const email of found) {
      byId.set(email.messageId, email);
      if (email.providerMessageId !== null) byId.set(email.providerMessageId, email);
    }
    for (const id of ids) {
      const email = byId.get(id);
      if (email) return email;
    }
  }
  if (keys.plusToken && UUID.test(keys.plusToken)) {
    const email = await ctx.store.getEmail(keys.plusToken);
    if (email?.direction === "outbound") return email;
  }
  return null;
}

/**
 * Classifies an inbound message and applies it. A human reply stops the sequence (lead `replied`,
 * reply counters moved, the reply stored). An automatic reply is not a reply: the lead is paused until
 * the return date when the text gives one, else left alone. A delivery report bounces the lead (hard)
 * or is counted (soft); a 5.7.x report refuses the sender, not the address, so it flags the mailbox
 * instead of suppressing anyone.
 */
export async function receiveInbound(
  ctx: EngineContext,
  input: InboundMessageInput,
): Promise<InboundOutcome> {
  const message = parseInput(inboundMessageSchema, input, ["message"]);
  const now = ctx.clock.now();
  const verdict = classifyInbound(message, { referenceDate: message.date ?? now });
  const none: InboundOutcome = { kind: verdict.kind, matched: false, emailId: null, leadId: null };

  return match(verdict)
    .with({ kind: "unknown" }, async () => none)
    .with({ kind: "bounce" }, async (bounce) => {
      const email = await findAnswered(
        ctx,
        message,
        bounce.originalMessageId ? [bounce.originalMessageId] : [],
      );
      if (!email?.leadId) return none;
      const outcome = { ...none, matched: true, emailId: email.id, leadId: email.leadId };
      if (bounce.policy) {
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
        const event = {
          id: ctx.ids.id(),
          kind: "mailbox_flagged" as const,
          campaignId: email.campaignId,
          leadId: email.leadId,
          emailId: email.id,
          at: now,
          data: { status: bounce.status, diagnostic: bounce.diagnostic, mailboxId: email.mailboxId },
        };
        await ctx.store.appendEvents([event]);
        await ctx.hooks.emit([event]);
        return outcome;
      }
      await recordBounce(
        ctx,
        { emailId: email.id },
        { type: bounce.bounceType, status: bounce.status, reason: bounce.diagnostic },
        now,
      );
      return outcome;
    })
    .with({ kind: "auto_reply" }, async (auto) => {
      const email = await findAnswered(ctx, message);
      if (!email?.leadId) return none;
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
      return { ...none, matched: true, emailId: email.id, leadId: email.leadId };
    })
    .with({ kind: "reply" }, async () => {
      const email = await findAnswered(ctx, message);
      if (!email?.leadId) return none;
      await ctx.store.saveInboundEmail({
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
        sentAt: null,
        openedAt: null,
        machineOpenedAt: null,
        clickedAt: null,
        repliedAt: null,
        bouncedAt: null,
        complainedAt: null,
        createdAt: now,
      });
      await recordReply(ctx, { emailId: email.id }, now);
      return { ...none, matched: true, emailId: email.id, leadId: email.leadId };
    })
    .exhaustive();
}
