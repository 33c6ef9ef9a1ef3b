import { type AutoReplySignal, autoReplySignal } from "./auto-reply.js";
import { ENHANCED_STATUS, parseDeliveryStatus, parseFields } from "./delivery-status.js";
import { classifyFeedback } from "./feedback-report.js";
import type { InboundMessage } from "./inbound-message.js";
import { isAddressedTo, matchKeys, messageIdsIn } from "./match-keys.js";
import { findReturnDate } from "./return-date.js";

/** What an inbound message is. */
export type InboundClassification =
  | {
      kind: "bounce";
      /** `hard`: the address does not work (5.x.x but 5.2.2); `soft`: temporary (4.x.x, 5.2.2, delayed). */
      bounceType: "hard" | "soft";
      /** Enhanced status code, e.g. `5.1.1`. */
      status: string;
      /** 5.7.x: the receiver refused the sender (policy, spam, authentication), not the address. */
      policy: boolean;
      /** The address that bounced, lower-cased, when the report names it (`Final-Recipient` first). */
      recipient: string | null;
      /** `Original-Recipient`: the address as it was given at send time, when the report carries it. */
      originalRecipient: string | null;
      /**
       * True when the report alone shows that the address does not work: an RFC 3464 report about one
       * recipient, `Action: failed`, with a status about the address itself (5.1.1 no such mailbox,
       * 5.1.2 no such domain, 5.1.3 bad address syntax, 5.1.6 mailbox moved, 5.1.10 null MX). Only
       * such a report is matched to an email by its recipient alone.
       */
      addressRejected: boolean;
      /** Message-ID of the bounced message (from the returned headers), with angle brackets. */
      originalMessageId: string | null;
      /** `Original-Envelope-Id` of the report (the ENVID given at send time). */
      envelopeId: string | null;
      /** The receiving server's own words, when given. */
      diagnostic: string | null;
    }
  | {
      kind: "delay";
      /** Enhanced status code of the delay, e.g. `4.4.1`. */
      status: string;
      recipient: string | null;
      originalMessageId: string | null;
      envelopeId: string | null;
      diagnostic: string | null;
    }
  | {
      kind: "complaint";
      /** RFC 5965 `Feedback-Type`: `abuse`, `fraud`, `virus` or `other`. */
      feedbackType: string;
      /** The complaining recipient, lower-cased, when the report names one (`Original-Rcpt-To`). */
      recipient: string | null;
      /** Message-ID of the reported message (from the returned message or its headers). */
      originalMessageId: string | null;
      /** The reporting software (`User-Agent` of the report), when given. */
      reporter: string | null;
    }
  | {
      kind: "unsubscribe";
      /** The sender asking to be unsubscribed, lower-cased. */
      address: string;
    }
  | {
      kind: "auto_reply";
      /** UTC midnight of the day the sender says they are back, when the text names one. */
      returnDate: Date | null;
      signal: AutoReplySignal;
    }
  | { kind: "reply" }
  | {
      kind: "unknown";
      reason:
        | "no_sender"
        | "not_a_reply"
        | "delivery_report_without_failure"
        | "feedback_report_not_a_complaint"
        | "other_report";
    };

/** Options of `classifyInbound`. */
export interface ClassifyInboundOptions {
  /** "Now" for reading return dates without a year; defaults to the message's `Date`. */
  referenceDate?: Date | null;
  /**
   * The `mailto:` address of `List-Unsubscribe` (`tracking.unsubscribeMailto`): mail sent to it is an
   * unsubscribe request from its sender.
   */
  unsubscribeAddress?: string | null;
}

const REPORT_PARTS = /^message\/(?:global-)?delivery-status$/i;
const RETURNED_HEADERS = /^(?:message\/(?:rfc822|global)|text\/rfc822-headers|message\/global-headers)$/i;
const BOUNCE_SENDER = /^(?:mailer-daemon|postmaster|mail-daemon|mailerdaemon)@/i;
const BOUNCE_SUBJECT =
  /^(?:undeliver(?:ed|able)|delivery (?:status notification|failure|has failed|incomplete)|returned mail|failure notice|mail delivery (?:failed|failure|subsystem)|non[- ]?delivery|unzustellbar|non remis|no se puede entregar)/i;
const REPLY_SUBJECT = /^(?:re|aw|sv|antw|r|rif|odp|vs)\s*:/i;
/** Subjects of delay warnings sent as plain text ("Delivery Status Notification (Delay)", "Warning: message … delayed"). */
const DELAY_SUBJECT = /\bdelay(?:ed)?\b|\bwarning\b|still (?:being )?(?:retried|trying)/i;
/** Statuses about the recipient's address itself (RFC 3463 X.1.1, X.1.2, X.1.3, X.1.6; RFC 7505 X.1.10). */
const ADDRESS_STATUS = /^5\.1\.(?:1|2|3|6|10)$/;

/**
 * Tells spam complaints (RFC 5965 feedback reports), bounces and delay warnings (RFC 3464 delivery
 * status reports, and classic bounces from a mailer daemon that carry a status code), unsubscribe
 * requests (mail to the `List-Unsubscribe` address), automatic replies (RFC 3834 headers, responder
 * headers, out-of-office subjects; with the return date when the text names one) and replies apart.
 * A report is never a reply, whatever its subject.
 *
 * ```ts
 * const verdict = classifyInbound(message);
 * if (verdict.kind === "bounce" && verdict.bounceType === "hard") suppress(verdict.recipient);
 * ```
 */
export function classifyInbound(
  message: InboundMessage,
  options: ClassifyInboundOptions = {},
): InboundClassification {
  const contentType = message.headers["content-type"] ?? "";
  const complaint = classifyFeedback(message, returnedMessageId(message));
  if (complaint) return complaint;
  const statusPart = message.reportParts.find((p) => REPORT_PARTS.test(p.contentType));
  const isReport = /multipart\/report/i.test(contentType);
  if (statusPart) return classifyReport(message, statusPart.content);
  const deliveryReport = isReport && /delivery-status/i.test(contentType);
  const bounceLike = BOUNCE_SENDER.test(message.from?.address ?? "") || deliveryReport;
  if (bounceLike || BOUNCE_SUBJECT.test(message.subject.trim())) {
    const bounce = classifyPlainBounce(message);
    if (bounce) return bounce;
  }
  // Read receipts (RFC 8098) and other reports: machine-made, never a person's answer.
  if (isReport && !deliveryReport) return { kind: "unknown", reason: "other_report" };
  const sender = message.from?.address.trim().toLowerCase();
  if (sender && options.unsubscribeAddress && isAddressedTo(message, options.unsubscribeAddress)) {
    return { kind: "unsubscribe", address: sender };
  }
  const signal = autoReplySignal(message);
  if (signal) {
    const reference = options.referenceDate === undefined ? message.date : options.referenceDate;
    return { kind: "auto_reply", returnDate: findReturnDate(message.text, reference), signal };
  }
  if (!message.from?.address) return { kind: "unknown", reason: "no_sender" };
  const keys = matchKeys(message);
  if (keys.messageIds.length > 0 || keys.plusToken !== null || REPLY_SUBJECT.test(message.subject.trim())) {
    return { kind: "reply" };
  }
  return { kind: "unknown", reason: "not_a_reply" };
}

function classifyReport(message: InboundMessage, statusText: string): InboundClassification {
  const report = parseDeliveryStatus(statusText);
  const byAction = (action: string) => report.recipients.find((r) => r.action === action);
  const byStatus = (cls: string) =>
    report.recipients.find((r) => r.action === null && r.status?.startsWith(cls));
  const failed = byAction("failed") ?? byStatus("5.") ?? byStatus("4.");
  const delayed = failed ? undefined : byAction("delayed");
  const named = failed ?? delayed;
  if (!named) return { kind: "unknown", reason: "delivery_report_without_failure" };
  const status = named.status ?? statusFrom(named.diagnosticCode ?? "") ?? (delayed ? "4.0.0" : "5.0.0");
  const rest = {
    recipient: named.finalRecipient ?? named.originalRecipient,
    originalMessageId: returnedMessageId(message),
    envelopeId: decodeXtext(report.envelopeId),
    diagnostic: named.diagnosticCode,
  };
  // A delay warning: the message is still queued and may well be delivered.
  if (delayed) return { kind: "delay", status, ...rest };
  return bounce(status, {
    ...rest,
    originalRecipient: named.originalRecipient,
    addressRejected:
      report.recipients.length === 1 && named.action === "failed" && ADDRESS_STATUS.test(status),
  });
}

function classifyPlainBounce(message: InboundMessage): InboundClassification | null {
  const status = statusFrom(message.text);
  if (!status) return null;
  const recipient = /<([^<>\s@]+@[^<>\s@]+)>:/.exec(message.text)?.[1]?.toLowerCase() ?? null;
  const rest = {
    recipient,
    originalMessageId: returnedMessageId(message),
    envelopeId: null,
    diagnostic: null,
  };
  if (status.startsWith("4.") && DELAY_SUBJECT.test(message.subject))
    return { kind: "delay", status, ...rest };
  // Read from free text: never trusted to name the address alone.
  return bounce(status, { ...rest, originalRecipient: null, addressRejected: false });
}

function bounce(
  status: string,
  rest: Pick<
    Extract<InboundClassification, { kind: "bounce" }>,
    "recipient" | "originalRecipient" | "originalMessageId" | "envelopeId" | "diagnostic" | "addressRejected"
  >,
): InboundClassification {
  const hard = status.startsWith("5.") && status !== "5.2.2";
  return {
    kind: "bounce",
    bounceType: hard ? "hard" : "soft",
    status,
    policy: status.startsWith("5.7."),
    ...rest,
  };
}

/** The first enhanced status code in a text, else one made from a basic SMTP code (`550` → `5.0.0`). */
function statusFrom(text: string): string | null {
  const enhanced = text.match(new RegExp(ENHANCED_STATUS.source.replace("[245]", "[45]")));
  if (enhanced) return enhanced.slice(1, 4).join(".");
  const basic = /(?<!\d)([45])\d\d(?=[ -])/.exec(text);
  return basic ? `${basic[1]}.0.0` : null;
}

/** An RFC 3461 xtext value decoded (`+2B` is `+`); the envelope id a report echoes may be encoded. */
function decodeXtext(value: string | null): string | null {
  if (value === null) return null;
  return value.replace(/\+([0-9A-F]{2})/gi, (_, hex: string) =>
    String.fromCharCode(Number.parseInt(hex, 16)),
  );
}

/** Message-ID of the returned message: from its attached headers, else quoted in the text. */
function returnedMessageId(message: InboundMessage): string | null {
  for (const part of message.reportParts) {
    if (!RETURNED_HEADERS.test(part.contentType)) continue;
    const id = parseFields(part.content).get("message-id");
    const [first] = messageIdsIn(id ?? "");
    if (first) return first;
  }
  const quoted = /^message-id:[ \t]*(<[^<>\s]+>)/im.exec(message.text);
  return quoted?.[1] ?? null;
}
