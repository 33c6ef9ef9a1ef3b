import type { OutboundMessage, Transport } from "@cadenza/core";
import { type SmtpTransport, smtpTransport } from "@cadenza/smtp";
import { type MailCatcher, startMailCatcher } from "../mail-catcher/mail-catcher.js";
import type { HostEnv } from "./host-config.js";

/** The host's transport, and the mail catcher behind it when no SMTP server was configured. */
export interface HostTransport {
  transport: Transport;
  catcher: MailCatcher | null;
  /** `smtp <host>` or `mail catcher`: printed at start. */
  description: string;
  close(): Promise<void>;
}

/**
 * One SMTP server, one pooled `smtpTransport` per sending address. Each mailbox (and the default
 * sender) gets its own envelope sender and From header, which is what SPF and DMARC check.
 */
export function perSenderSmtpTransport(url: string): Transport & { close(): Promise<void> } {
  const bySender = new Map<string, SmtpTransport>();
  const transportFor = (message: OutboundMessage): SmtpTransport => {
    const key = message.from.email.toLowerCase();
    let transport = bySender.get(key);
    if (!transport) {
      transport = smtpTransport({ url, fromEmail: message.from.email, fromName: message.from.name });
      bySender.set(key, transport);
    }
    return transport;
  };
  return {
    name: `smtp:${new URL(url).host}`,
    send: (message) => transportFor(message).send(message),
    async close() {
      await Promise.all([...bySender.values()].map((t) => t.close()));
      bySender.clear();
    },
  };
}

/** `SMTP_URL` when set; otherwise a mail catcher in this process, shown at `/dev/mail`. */
export async function createTransport(env: HostEnv): Promise<HostTransport> {
  if (env.SMTP_URL) {
    const transport = perSenderSmtpTransport(env.SMTP_URL);
    return {
      transport,
      catcher: null,
      description: `smtp ${new URL(env.SMTP_URL).host}`,
      close: transport.close,
    };
  }
  const catcher = await startMailCatcher({ port: env.MAIL_CATCHER_PORT });
  const transport = perSenderSmtpTransport(catcher.smtpUrl);
  return {
    transport,
    catcher,
    description: `mail catcher (${catcher.smtpUrl})`,
    async close() {
      await transport.close();
      await catcher.close();
    },
  };
}
