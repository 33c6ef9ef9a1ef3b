import { type AutoReplySignal, autoReplySignal } from "./auto-reply.js";
import { ENHANCED_STATUS, parseDeliveryStatus, parseFields } from "./delivery-status.js";
import type { InboundMessage } from "./inbound-message.js";
import { matchKeys, messageIdsIn } from "./match-keys.js";
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
      /** The address that bounced, lower-cased, when the report names it. */
      recipient: string | null;
      /** Message-ID of the bounced message (from the returned headers), with angle brackets. */
      originalMessageId: string | null;
      /** `Original-Envelope-Id` of the report (the ENVID given at send time). */
      envelopeId: string | null;
      /** The receiving server's own words, when given. */
      diagnostic: string | null;
    }
  | {
      kind: "auto_reply";
      /** UTC midnight of the day the sender says they are back, when the text names one. */
      returnDate: Date | null;
      signal: AutoReplySignal;
    }
  | { kind: "reply" }
  | { kind: "unknown"; reason: "no_sender" | "not_a_reply" | "delivery_report_without_failure" };

/** Options of `classifyInbound`. */
export interface ClassifyInboundOptions {
  /** "Now" for reading return dates without a year; defaults to the message's `Date`. */
  referenceDate?: Date | null;
}

const REPORT_PARTS = /^message\/(?:global-)?delivery-status$/i;
const RETURNED_HEADERS = /^(?:message\/(?:rfc822|global)|text\/rfc822-headers|message\/global-headers)$/i;
const BOUNCE_SENDER = /^(?:mailer-daemon|postmaster|mail-daemon|mailerdaemon)@/i;
const BOUNCE_SUBJECT =
  /^(?:undeliver(?:ed|able)|delivery (?:status notification|failure|has failed|incomplete)|returned mail|failure notice|mail delivery (?:failed|failure|subsystem)|non[- ]?delivery|unzustellbar|non remis|no se puede entregar)/i;
const REPLY_SUBJECT = /^(?:re|aw|sv|antw|r|rif|odp|vs)\s*:/i;

/**
 * Tells bounces (RFC 3464 delivery status reports, and classic bounces from a mailer daemon that
 * carry a status code), automatic replies (RFC 3834 headers, responder headers, out-of-office
 * subjects; with the return date when the text names one) and replies apart.
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
  const statusPart = message.reportParts.find((p) => REPORT_PARTS.test(p.contentType));
  const isReport = /multipart\/report/i.test(message.headers["content-type"] ?? "");
  if (statusPart) return classifyReport(message, statusPart.content);
  const bounceLike =
    BOUNCE_SENDER.test(message.from?.address ?? "") ||
    (isReport && /delivery-status/i.test(message.headers["content-type"] ?? ""));
  if (bounceLike || BOUNCE_SUBJECT.test(message.subject.trim())) {
    const bounce = classifyPlainBounce(message);
    if (bounce) return bounce;
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
  const failed = byAction("failed") ?? byStatus("5.") ?? byAction("delayed") ?? byStatus("4.");
  if (!failed) return { kind: "unknown", reason: "delivery_report_without_failure" };
  const status =
    failed.status ??
    statusFrom(failed.diagnosticCode ?? "") ??
    (failed.action === "delayed" ? "4.0.0" : "5.0.0");
  return bounce(status, failed.action === "delayed", {
    recipient: failed.finalRecipient ?? failed.originalRecipient,
    originalMessageId: returnedMessageId(message),
    envelopeId: report.envelopeId,
    diagnostic: failed.diagnosticCode,
  });
}

function classifyPlainBounce(message: InboundMessage): InboundClassification | null {
  const status = statusFrom(message.text);
  if (!status) return null;
  const recipient = /<([^<>\s@]+@[^<>\s@]+)>:/.exec(message.text)?.[1]?.toLowerCase() ?? null;
  return bounce(status, false, {
    recipient,
    originalMessageId: returnedMessageId(message),
    envelopeId: null,
    diagnostic: null,
  });
}

function bounce(
  status: string,
  delayed: boolean,
  rest: Pick<
    Extract<InboundClassification, { kind: "bounce" }>,
    "recipient" | "originalMessageId" | "envelopeId" | "diagnostic"
  >,
): InboundClassification {
  const hard = !delayed && status.startsWith("5.") && status !== "5.2.2";
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
