import { coerceError, type SendResult } from "@cadenza/core";
import { match, P } from "ts-pattern";
import { type EnhancedStatusCode, parseSmtpReply, type SmtpReply } from "./smtp-reply.js";

/** Why a send was refused, as the engine acts on it (see `SendResult`). */
export type RejectionKind = Extract<SendResult, { status: "rejected" }>["kind"];

/** A rejected `SendResult`. */
export type SendRejection = Extract<SendResult, { status: "rejected" }>;

/**
 * The members of a nodemailer send error that classification reads. Declared here, not imported,
 * so the classification stays a pure function of plain data (and testable from a table).
 */
export interface SmtpSendError {
  /** Nodemailer's symbolic code: `ECONNECTION`, `ETIMEDOUT`, `EAUTH`, `EENVELOPE`, … */
  code?: string;
  /** The reply code nodemailer parsed from `response`. */
  responseCode?: number;
  /** The server's reply text, when the server answered. */
  response?: string;
  /** The SMTP command that failed: `MAIL FROM`, `RCPT TO`, `DATA`, `AUTH PLAIN`, `CONN`, … */
  command?: string;
  message?: string;
}

/** The members of nodemailer's `info` (a send the server took) that classification reads. */
export interface SmtpSentInfo {
  response?: string;
  messageId?: string;
  /** The id the server gave the message when it replaced the Message-ID (Microsoft 365, Amazon SES). */
  serverMessageId?: string;
  /** Recipients the server refused at RCPT TO while it took the message for others. */
  rejected?: unknown[];
  rejectedErrors?: unknown[];
}

/** What a send through nodemailer came to: its `info`, or what it threw. */
export type SmtpOutcome = { type: "sent"; info: SmtpSentInfo } | { type: "failed"; error: unknown };

/**
 * Maps what nodemailer reported for one send to the engine's `SendResult`: hard bounces (bad
 * address), soft (the recipient's side, try later), throttled (the sending side, try later: a 421,
 * a rate or quota limit, a temporary refusal at MAIL FROM, DATA or the session), sender (policy or
 * authentication refusal of the sender), transport (nothing was handed over: no connection, no
 * greeting, TLS, auth) and unknown (the session broke without a reply once it was under way: the
 * message may have been delivered, so it is never retried). An enhanced status code in the reply
 * wins over the reply code.
 *
 * ```ts
 * classifySmtpOutcome({ type: "failed", error: { code: "EENVELOPE", command: "RCPT TO",
 *   response: "550 5.1.1 The email account that you tried to reach does not exist" } });
 * // → { status: "rejected", kind: "hard", code: "5.1.1", response: "550 5.1.1 The email …" }
 * ```
 */
export function classifySmtpOutcome(outcome: SmtpOutcome): SendResult {
  return match(outcome)
    .with({ type: "sent" }, ({ info }) => classifySentInfo(info))
    .with({ type: "failed" }, ({ error }) => classifySmtpError(error))
    .exhaustive();
}

function classifySentInfo(info: SmtpSentInfo): SendResult {
  // Cadenza sends to one recipient, so a refused recipient means the message went nowhere.
  if (info.rejected !== undefined && info.rejected.length > 0) {
    const [first] = info.rejectedErrors ?? [];
    return first !== undefined
      ? classifySmtpError(first)
      : {
          status: "rejected",
          kind: "soft",
          code: "EENVELOPE",
          response: info.response ?? "Recipient refused",
        };
  }
  return {
    status: "accepted",
    response: info.response ?? null,
    providerMessageId: info.serverMessageId ?? info.messageId ?? null,
  };
}

/** Where in the session a failure happened, which decides what a reply means. */
type Failure =
  | { type: "unanswered"; code: string; message: string }
  | { type: "setup"; reply: SmtpReply }
  | { type: "refused"; stage: "sender" | "recipient" | "message" | "session"; reply: SmtpReply };

// Failures of the connection itself: no reply of the server is about this message or address.
const SETUP_ERROR_CODES = new Set(["EAUTH", "ENOAUTH", "EOAUTH2", "ETLS", "EREQUIRETLS"]);

/**
 * A session that broke after it was established, without a reply: nodemailer reports a drop before
 * RCPT exactly like one after the message's final "." (when the server may already have queued it and
 * only its 250 was lost), so the message may have been delivered. Not connecting at all, the greeting
 * timeout, DNS and certificate failures happen before anything was handed over.
 */
function sessionLost(code: string, message: string): boolean {
  // nodemailer's own "Connection pool was closed" comes before any connection was made.
  if (code === "ECONNECTION") return !/pool was closed/i.test(message);
  if (code === "ESOCKET") return /ECONNRESET|EPIPE/.test(message) && !/^connect /i.test(message);
  if (code === "ETIMEDOUT") return /^Timeout$/i.test(message.trim());
  return false;
}

function classifySmtpError(thrown: unknown): SendResult {
  const failure = describeFailure(readSendError(thrown));
  return match(failure)
    .with(
      { type: "unanswered" },
      ({ code, message }): SendResult =>
        sessionLost(code, message)
          ? { status: "unknown", code, response: message }
          : rejection("transport", code, message),
    )
    .with({ type: "setup" }, ({ reply }) => rejection("transport", replyCode(reply), reply.text))
    .with({ type: "refused" }, ({ stage, reply }) =>
      rejection(kindOfReply(reply, stage), replyCode(reply), reply.text),
    )
    .exhaustive();
}

function describeFailure(error: SmtpSendError): Failure {
  const code = error.code ?? "UNKNOWN";
  const reply = error.response === undefined ? null : parseSmtpReply(error.response, error.responseCode);
  if (reply === null || reply.basic < 400) {
    return { type: "unanswered", code, message: error.message ?? error.response ?? code };
  }
  const command = (error.command ?? "").toUpperCase();
  if (SETUP_ERROR_CODES.has(code) || command.startsWith("AUTH") || command === "STARTTLS") {
    return { type: "setup", reply };
  }
  const stage = match(command)
    .with("MAIL FROM", () => "sender" as const)
    .with("RCPT TO", () => "recipient" as const)
    .with("DATA", () => "message" as const)
    .otherwise(() => "session" as const);
  return { type: "refused", stage, reply };
}

type Stage = "sender" | "recipient" | "message" | "session";

function kindOfReply(reply: SmtpReply, stage: Stage): RejectionKind {
  if (isThrottle(reply)) return "throttled";
  const replyClass = reply.enhanced?.class ?? Math.floor(reply.basic / 100);
  if (replyClass === 4) return whoseTemporaryFailure(reply, stage);
  // A refused MAIL FROM is about the sending address, never the recipient's.
  if (stage === "sender") return "sender";
  return (
    (reply.enhanced && kindOfEnhancedCode(reply.enhanced)) ??
    kindFromText(reply.text) ??
    kindOfBasicCode(reply.basic)
  );
}

// Replies that limit the sender whatever they answer: Amazon SES's "Throttling failure", Gmail's
// "sending quota" and "sending limit", Microsoft's "sender thread limit" and
// "SubmissionQuotaExceeded", "rate limited", "server busy", "too many connections"…
const THROTTLE_WORDS =
  /throttl|rate[ -]?limit|rate exceeded|server (is )?busy|too many (messages|mails|emails|connections|sessions|recipients|concurrent)|(sending|submission|thread|daily|hourly) ?(rate|quota|limit)|exceeded (your|the) (daily|hourly|sending|message)/i;
// A mailbox's own state, however it words it: "mailbox full", "over quota", "Mailbox quota exceeded".
const MAILBOX_FULL_WORDS =
  /mailbox (is )?full|over ?quota|mailbox\b.{0,20}\bquota|insufficient (system )?storage|out of storage/i;

/**
 * A reply that limits the sender rather than judging the message or the recipient, at any stage:
 * 421 (the server is closing the session: RFC 5321 §3.8), X.4.5 (mail system congestion; Gmail's
 * daily sending quota is 5.4.5), X.5.3 (too many recipients: Cadenza sends one, so this is a limit on
 * the sender), or throttling in words. A reply about the mailbox (X.2.x) is never one.
 */
function isThrottle(reply: SmtpReply): boolean {
  if (reply.basic === 421) return true;
  const enhanced = reply.enhanced;
  if (enhanced?.subject === 4 && enhanced.detail === 5) return true;
  if (enhanced?.subject === 5 && enhanced.detail === 3) return true;
  if (enhanced?.subject === 2 && enhanced.detail !== 0) return false;
  return !MAILBOX_FULL_WORDS.test(reply.text) && THROTTLE_WORDS.test(reply.text);
}

/**
 * Whose problem a temporary failure is. Cadenza sends one recipient per message, so a reply about the
 * mailbox (X.2.x) or the recipient's address (X.1.x but the sender's X.1.7, X.1.8) is the recipient's
 * at whatever stage it came. Otherwise only RCPT TO speaks of the recipient (greylisting, a busy
 * mailbox), except for the server's own trouble (X.3.x: full, not accepting); a temporary refusal of
 * MAIL FROM, of DATA or of the session is the sending side's.
 */
function whoseTemporaryFailure(reply: SmtpReply, stage: Stage): "soft" | "throttled" {
  const enhanced = reply.enhanced;
  if (enhanced?.subject === 1) return enhanced.detail === 7 || enhanced.detail === 8 ? "throttled" : "soft";
  if (enhanced?.subject === 2) return "soft";
  if (stage !== "recipient") return "throttled";
  return enhanced?.subject === 3 ? "throttled" : "soft";
}

/** Permanent enhanced codes (RFC 3463); null when the code does not say (`5.0.0`, `5.5.x`). */
function kindOfEnhancedCode({ subject, detail }: EnhancedStatusCode): RejectionKind | null {
  return (
    match([subject, detail])
      .with([1, P.union(7, 8)], () => "sender" as const) // bad sender address or sender domain
      .with([1, P._], () => "hard" as const) // 5.1.1 no such user, 5.1.2 bad domain, 5.1.10 null MX
      .with([2, 2], () => "soft" as const) // mailbox full
      .with([2, 3], () => "sender" as const) // message larger than the recipient takes
      .with([2, 4], () => "soft" as const) // mailing list expansion problem
      .with([2, P._], () => "hard" as const) // 5.2.1 mailbox disabled
      .with([3, 4], () => "sender" as const) // message too big for the system
      .with([3, P._], () => "soft" as const) // the receiving system is full or not accepting
      // Microsoft answers unknown recipients with 5.4.1 ("Recipient address rejected: Access denied");
      // 5.4.4 and 5.4.310 say the domain does not exist.
      .with([4, P.union(1, 4, 310)], () => "hard" as const)
      .with([4, P._], () => "soft" as const)
      .with([6, P._], () => "sender" as const) // content refused
      .with([7, P._], () => "sender" as const) // policy: DMARC, SPF, spam, blocked sender, not authorised
      .otherwise(() => null)
  );
}

/**
 * Servers that give no enhanced code (Yahoo, older MTAs) say what they mean in words; read them
 * before falling back on the reply code, so "550 … blocked using Spamhaus" does not suppress a
 * valid address.
 */
function kindFromText(text: string): RejectionKind | null {
  if (MAILBOX_FULL_WORDS.test(text) || /quota exceeded/i.test(text)) return "soft";
  if (
    /no such (user|mailbox|recipient|address)|(user|mailbox|recipient|address|account)( name)?( is)? (unknown|not found|does ?n[o']t exist|disabled|inactive)|doesn't have an? [^ ]+ account|unknown (user|recipient)|invalid (recipient|mailbox)/i.test(
      text,
    )
  ) {
    return "hard";
  }
  if (
    /spam|block(ed)? ?list|blacklist|blocked|\brbl\b|spamhaus|reputation|dmarc|\bspf\b|dkim|policy|relay(ing)? (access )?denied|not authori[sz]ed/i.test(
      text,
    )
  ) {
    return "sender";
  }
  return null;
}

/**
 * Permanent reply codes without a telling enhanced code (RFC 5321 §4.2.3, RFC 7504). Syntax and
 * sequence errors (500–504) are trouble between client and server, not a verdict on the message;
 * any other refusal keeps the address and flags the sender.
 */
function kindOfBasicCode(basic: number): RejectionKind {
  return match(basic)
    .with(P.union(550, 551, 553, 521, 556), () => "hard" as const)
    .with(552, () => "soft" as const)
    .with(P.union(500, 501, 502, 503, 504), () => "transport" as const)
    .otherwise(() => "sender" as const);
}

function replyCode(reply: SmtpReply): string {
  return reply.enhanced?.code ?? String(reply.basic);
}

function rejection(kind: RejectionKind, code: string, response: string): SendRejection {
  return { status: "rejected", kind, code, response };
}

function readSendError(thrown: unknown): SmtpSendError {
  const error = typeof thrown === "object" && thrown !== null ? thrown : coerceError(thrown);
  const field = (key: string): unknown => (error as Record<string, unknown>)[key];
  const text = (key: string) => (typeof field(key) === "string" ? (field(key) as string) : undefined);
  const responseCode = field("responseCode");
  return {
    code: text("code"),
    responseCode: typeof responseCode === "number" ? responseCode : undefined,
    response: text("response"),
    command: text("command"),
    message: text("message"),
  };
}
