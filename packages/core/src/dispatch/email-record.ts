import type { VariantName } from "../campaign/campaign-schema.js";
import type { NewEmail } from "../ports.js";

/**
 * Status of an email record. `sending`: recorded, handed to the transport, outcome not yet written.
 * `unknown`: its worker died mid-send; it may or may not have left and is never re-sent.
 */
export type EmailStatus = "sending" | "sent" | "opened" | "replied" | "bounced" | "unknown" | "received";

export type EmailDirection = "outbound" | "inbound";

/** One email sent (or received in reply) — the audit's `emails` row. */
export interface EmailRecord {
  id: string;
  campaignId: string | null;
  leadId: string | null;
  prospectId: string | null;
  stepNumber: number | null;
  variant: VariantName | null;
  mailboxId: string | null;
  direction: EmailDirection;
  status: EmailStatus;
  /** RFC 5322 Message-ID, with angle brackets. */
  messageId: string;
  /**
   * The Message-ID the provider gave the message in place of `messageId` (Amazon SES and Microsoft
   * 365 replace it), with angle brackets: what the recipient's copy carries, so replies name it and
   * follow-ups thread on it. Null when the provider kept the engine's.
   */
  providerMessageId: string | null;
  inReplyTo: string | null;
  references: string[];
  subject: string;
  html: string | null;
  text: string;
  toEmail: string;
  fromEmail: string;
  /** Stable per (lead, step): lets providers that honour one deduplicate a retried send. */
  idempotencyKey: string | null;
  /** The transport's final response (SMTP reply text), kept for audits. */
  response: string | null;
  /** Content came from the host's content generator. */
  generated: boolean;
  /** Original URLs of the tracked links, in order: click tokens resolve to these, never to request input. */
  links: string[];
  /** Campaign day (`YYYY-MM-DD`, campaign time zone) the send counts in. */
  counterDay: string | null;
  sentAt: Date | null;
  /** First human open. */
  openedAt: Date | null;
  /** First open that looked automatic (proxy, scanner, prefetch). */
  machineOpenedAt: Date | null;
  /** First human click. */
  clickedAt: Date | null;
  repliedAt: Date | null;
  /** First bounce reported for it, hard or soft (or its refusal at send time). */
  bouncedAt: Date | null;
  /** First spam complaint about it (a feedback-loop report). */
  complainedAt: Date | null;
  createdAt: Date;
}

/** The stamps of an email record nothing has happened to yet: not sent, opened, answered or reported. */
export const NOTHING_HAPPENED_YET = {
  sentAt: null,
  openedAt: null,
  machineOpenedAt: null,
  clickedAt: null,
  repliedAt: null,
  bouncedAt: null,
  complainedAt: null,
} as const;

/** The record a store writes for `beginSends`: the email as `sending`, with no outcome or engagement yet. */
export function sendingRecord(email: NewEmail, now: Date): EmailRecord {
  // Field by field rather than a rest spread of `email`: one fixed shape, and many times cheaper.
  return {
    id: email.id,
    campaignId: email.campaignId,
    leadId: email.leadId,
    prospectId: email.prospectId,
    stepNumber: email.stepNumber,
    variant: email.variant,
    mailboxId: email.mailboxId,
    direction: "outbound",
    status: "sending",
    messageId: email.messageId,
    providerMessageId: null,
    inReplyTo: email.inReplyTo,
    references: email.references,
    subject: email.subject,
    html: email.html,
    text: email.text,
    toEmail: email.toEmail,
    fromEmail: email.fromEmail,
    idempotencyKey: email.idempotencyKey,
    response: null,
    generated: email.generated,
    links: email.links,
    counterDay: email.counterDay,
    ...NOTHING_HAPPENED_YET,
    createdAt: now,
  };
}
