import type { OutboundMessage } from "@cadenza/core";
import type { SendMailOptions } from "nodemailer";
import type { ResolvedSmtpMailboxConfig, ResolvedSmtpTransportOptions } from "./smtp-mailbox-config.js";

/** Printable ASCII without `+` and `=`, which xtext would have to encode (RFC 3461 section 4). */
const PLAIN_XTEXT = /^[!-*,-<>-~]+$/;

/**
 * The DSN parameters of a message (RFC 3461): its Message-ID, without the angle brackets, as the
 * envelope id (`ENVID`) that delivery reports echo in `Original-Envelope-Id`, so a report that returns
 * no headers still names the email; only the headers returned (`RET=HDRS`); reports on failure and
 * delay (`NOTIFY`); and the recipient as given (`ORCPT`). nodemailer sends them only to a server that
 * advertises DSN in its EHLO answer, and none of them to one that does not.
 */
export function dsnOptions(message: OutboundMessage): SendMailOptions["dsn"] {
  const id = message.messageId.replace(/^<|>$/g, "");
  const recipient = message.to.email;
  return {
    ...(id.length <= 100 && PLAIN_XTEXT.test(id) ? { id } : {}),
    return: "headers",
    notify: ["failure", "delay"],
    ...(/^[\x21-\x7e]+$/.test(recipient) ? { recipient } : {}),
  };
}

/**
 * Writes one engine message as nodemailer mail options: the engine's Message-ID, the From the
 * mailbox allows, threading headers, the engine's extra headers, the idempotency key and the DSN
 * parameters (`dsnOptions`).
 */
export function toSmtpMailOptions(
  message: OutboundMessage,
  mailbox: ResolvedSmtpMailboxConfig,
  options: ResolvedSmtpTransportOptions,
): SendMailOptions {
  const from =
    options.fromHeader === "message"
      ? { name: message.from.name, address: message.from.email }
      : { name: message.from.name || mailbox.fromName, address: mailbox.fromEmail };
  const headers: Record<string, string> = { ...message.headers };
  if (options.idempotencyKeyHeader !== false) headers[options.idempotencyKeyHeader] = message.idempotencyKey;
  return {
    messageId: message.messageId,
    from,
    to: { name: message.to.name ?? "", address: message.to.email },
    replyTo: message.replyTo ?? undefined,
    subject: message.subject,
    text: message.text,
    html: message.html ?? undefined,
    inReplyTo: message.inReplyTo ?? undefined,
    references: message.references.length > 0 ? message.references : undefined,
    headers,
    // Bounces return to the mailbox whatever the From header says.
    envelope: { from: mailbox.fromEmail, to: [message.to.email] },
    dsn: dsnOptions(message),
    // Message content comes from templates and prospects' data: never let it name local files or URLs.
    disableFileAccess: true,
    disableUrlAccess: true,
  };
}
