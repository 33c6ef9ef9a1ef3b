import { type OutboundMessage, parseInput, type SendResult, type Transport } from "@cadenza/core";
import nodemailer, { type SendMailOptions, type SMTPTransportOptions } from "nodemailer";
import { classifySmtpOutcome, type SmtpSentInfo } from "./classify-smtp-outcome.js";
import { nodemailerDkimOptions } from "./smtp-dkim.js";
import { toSmtpMailOptions } from "./smtp-mail-options.js";
import {
  type ResolvedSmtpMailboxConfig,
  type SmtpMailboxConfig,
  type SmtpTransportOptions,
  smtpMailboxConfigSchema,
  smtpTransportOptionsSchema,
} from "./smtp-mailbox-config.js";

/** The `Transport` port over SMTP; `close()` ends the pooled connections. */
export interface SmtpTransport extends Transport {
  /** `smtp:<fromEmail>`. */
  readonly name: string;
  /** Sends one message; never throws for a delivery failure, returns `rejected` with its kind instead. */
  send(message: OutboundMessage): Promise<SendResult>;
  /** Closes the pool's connections; resolves once every send in flight has settled. */
  close(): Promise<void>;
}

/**
 * A `Transport` that sends through one mailbox's SMTP server with nodemailer: pooled connections,
 * optional DKIM signing, the engine's Message-ID and threading headers, and every failure mapped to
 * the outcome the engine acts on. Throws a VALIDATION `CadenzaError` (with field paths) for a bad
 * config.
 *
 * ```ts
 * import { smtpTransport } from "@cadenza/smtp";
 *
 * const transport = smtpTransport({
 *   fromName: "Ada Lovelace",
 *   fromEmail: "ada@acme.example",
 *   url: "smtps://ada%40acme.example:app-password@smtp.acme.example:465",
 *   dkim: { domainName: "acme.example", keySelector: "cadenza", privateKey: process.env.DKIM_KEY! },
 * });
 * const result = await transport.send(message); // { status: "accepted", … } or { status: "rejected", kind, … }
 * await transport.close();
 * ```
 */
export function smtpTransport(config: SmtpMailboxConfig, options: SmtpTransportOptions = {}): SmtpTransport {
  const mailbox = parseInput(smtpMailboxConfigSchema, config);
  const resolvedOptions = parseInput(smtpTransportOptionsSchema, options, ["options"]);
  const mailer = createMailer(mailbox);
  const inFlight = new Set<Promise<SendResult>>();

  async function deliver(message: OutboundMessage): Promise<SendResult> {
    try {
      const info = await mailer.sendMail(toSmtpMailOptions(message, mailbox, resolvedOptions));
      return classifySmtpOutcome({ type: "sent", info });
    } catch (error) {
      return classifySmtpOutcome({ type: "failed", error });
    }
  }

  return {
    name: `smtp:${mailbox.fromEmail}`,
    send(message) {
      const sending = deliver(message);
      inFlight.add(sending);
      void sending.finally(() => inFlight.delete(sending));
      return sending;
    },
    async close() {
      // Idle connections close now; one that is delivering finishes its message first.
      mailer.close();
      await Promise.allSettled([...inFlight]);
    },
  };
}

/** The part of a nodemailer transporter this transport uses. */
interface Mailer {
  sendMail(options: SendMailOptions): Promise<SmtpSentInfo>;
  close(): void;
}

function createMailer(mailbox: ResolvedSmtpMailboxConfig): Mailer {
  const connection: SMTPTransportOptions = {
    ...(mailbox.url === undefined
      ? { host: mailbox.host, port: mailbox.port, secure: mailbox.secure }
      : { url: mailbox.url }),
    auth: mailbox.auth,
    requireTLS: mailbox.requireTLS,
    tls: { rejectUnauthorized: mailbox.tls.rejectUnauthorized, servername: mailbox.tls.servername },
    name: mailbox.ehloName,
    dkim: nodemailerDkimOptions(mailbox.dkim),
    connectionTimeout: mailbox.timeouts.connectionMs,
    greetingTimeout: mailbox.timeouts.greetingMs,
    socketTimeout: mailbox.timeouts.socketMs,
    logger: false,
  };
  if (mailbox.pool === null) return nodemailer.createTransport(connection);
  return nodemailer.createTransport({ ...connection, pool: true, ...mailbox.pool });
}
