import type { OutboundMessage } from "@cadenza/core";
import type { SendMailOptions } from "nodemailer";
import type { ResolvedSmtpMailboxConfig, ResolvedSmtpTransportOptions } from "./smtp-mailbox-config.js";

/**
 * Writes one engine message as nodemailer mail options: the engine's Message-ID, the From the
 * mailbox allows, threading headers, the engine's extra headers and the idempotency key.
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
    // Message content comes from templates and prospects' data: never let it name local files or URLs.
    disableFileAccess: true,
    disableUrlAccess: true,
  };
}
