import type { InboundClassification } from "./classify-inbound.js";
import { parseFields } from "./delivery-status.js";
import type { InboundMessage } from "./inbound-message.js";

/** The fields of a `message/feedback-report` part (RFC 5965, the Abuse Reporting Format). */
export interface FeedbackReport {
  /** `abuse`, `fraud`, `virus`, `other`, `not-spam`, `auth-failure`, …, lower-cased; null when absent. */
  feedbackType: string | null;
  /** The reporting software (`Yahoo!-Mail-Feedback/2.0`, …). */
  userAgent: string | null;
  /** Addresses from `Original-Rcpt-To` (often left out or redacted by the reporter), lower-cased. */
  originalRcptTo: string[];
  /** `Original-Mail-From`: the envelope sender of the reported message, lower-cased. */
  originalMailFrom: string | null;
}

/**
 * Parses the text of a `message/feedback-report` part. Every field but `Feedback-Type`, `User-Agent`
 * and `Version` is optional; `Original-Rcpt-To` may repeat, and a redacted one (no `@`, or an
 * address of `x`es) names no one.
 */
export function parseFeedbackReport(text: string): FeedbackReport {
  const lines = text
    .replace(/\r\n?/g, "\n")
    .replace(/\n[ \t]+/g, " ")
    .split("\n");
  const rcptTo = lines.flatMap((line) => {
    const match = /^original-rcpt-to:\s*(.*)$/i.exec(line);
    const address = match ? bareAddress(match[1]!) : null;
    return address && !/^x+@/.test(address) ? [address] : [];
  });
  const fields = parseFields(text);
  return {
    feedbackType: fields.get("feedback-type")?.trim().toLowerCase().split(/[\s;]/)[0] || null,
    userAgent: fields.get("user-agent") ?? null,
    originalRcptTo: [...new Set(rcptTo)],
    originalMailFrom: bareAddress(fields.get("original-mail-from") ?? ""),
  };
}

function bareAddress(value: string): string | null {
  const stripped = value.replace(/^\s*rfc822\s*;/i, "").trim();
  const address = (/<([^<>]*)>/.exec(stripped)?.[1] ?? stripped).trim().toLowerCase();
  return /^[^\s@<>]+@[^\s@<>]+$/.test(address) ? address : null;
}

/** Feedback types that report the message as unwanted: RFC 5965's own, but `other` is a complaint too. */
const COMPLAINT_TYPES = new Set(["abuse", "fraud", "virus", "other"]);
const FEEDBACK_PART = /^message\/feedback-report$/i;
const RETURNED_MESSAGE = /^(?:message\/(?:rfc822|global)|text\/rfc822-headers)$/i;
/** Sender of Microsoft's complaint reports in their original (non-ARF) format. */
const JMRP_SENDER = /^staff@hotmail\.com$/i;

/**
 * A spam complaint, from an RFC 5965 feedback report (`multipart/report;
 * report-type=feedback-report`: Yahoo's, AOL's and Microsoft's feedback loops, Amazon SES's
 * forwarded complaints) or Microsoft's older JMRP format (the reported message attached as
 * `message/rfc822`, sent by `staff@hotmail.com`). A feedback report of another type (`not-spam`,
 * `auth-failure` for DMARC failure reports) is no complaint, and no reply either. Null when the
 * message is not a feedback report.
 */
export function classifyFeedback(
  message: InboundMessage,
  originalMessageId: string | null,
): InboundClassification | null {
  const part = message.reportParts.find((p) => FEEDBACK_PART.test(p.contentType));
  const declared = /report-type\s*=\s*"?feedback-report/i.test(message.headers["content-type"] ?? "");
  if (part || declared) {
    const report = parseFeedbackReport(part?.content ?? "");
    // RFC 5965 requires the type; a feedback loop's report without one is still a complaint.
    const feedbackType = report.feedbackType ?? "abuse";
    if (!COMPLAINT_TYPES.has(feedbackType))
      return { kind: "unknown", reason: "feedback_report_not_a_complaint" };
    return {
      kind: "complaint",
      feedbackType,
      recipient: report.originalRcptTo.length === 1 ? report.originalRcptTo[0]! : null,
      originalMessageId,
      reporter: report.userAgent,
    };
  }
  const returned = message.reportParts.find((p) => RETURNED_MESSAGE.test(p.contentType));
  if (returned && JMRP_SENDER.test(message.from?.address ?? "")) {
    const recipient = bareAddress(parseFields(returned.content).get("x-hmxmroriginalrecipient") ?? "");
    return { kind: "complaint", feedbackType: "abuse", recipient, originalMessageId, reporter: "JMRP" };
  }
  return null;
}
