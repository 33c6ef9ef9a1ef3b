import type { AddressInfo } from "node:net";
import { type AddressObject, simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

/** One message the catcher received, parsed. */
export interface CaughtMessage {
  /** Sequence number as a string, in order of arrival (1, 2, …). */
  id: string;
  receivedAt: Date;
  envelope: { from: string | null; to: string[] };
  messageId: string | null;
  inReplyTo: string | null;
  from: string;
  to: string;
  subject: string;
  /** Header lines as sent, unfolded; repeated headers joined by a newline. Names in lower case. */
  headers: Record<string, string>;
  text: string;
  html: string | null;
}

/** A development SMTP server that keeps what it receives instead of delivering it. */
export interface MailCatcher {
  /** `smtp://127.0.0.1:<port>`, for `smtpTransport`. */
  readonly smtpUrl: string;
  /** Messages received, oldest first. */
  list(): CaughtMessage[];
  get(id: string): CaughtMessage | undefined;
  close(): Promise<void>;
}

const formatAddresses = (field: AddressObject | AddressObject[] | undefined): string =>
  field === undefined
    ? ""
    : [field]
        .flat()
        .map((f) => f.text)
        .join(", ");

/**
 * Starts a mail catcher on a loopback port (a free one unless `port` is given): an in-process `smtp-server` that accepts every
 * message without authentication and parses it with mailparser. A message is stored before the
 * server answers `250`, so once a send has returned its message can be read. Only the newest
 * `maxMessages` are kept.
 *
 * ```ts
 * const catcher = await startMailCatcher();
 * const transport = smtpTransport({ url: catcher.smtpUrl, fromEmail: "ana@example.com" });
 * ```
 */
export async function startMailCatcher(
  options: { port?: number; maxMessages?: number } = {},
): Promise<MailCatcher> {
  const maxMessages = options.maxMessages ?? 5_000;
  const messages: CaughtMessage[] = [];
  let sequence = 0;
  const server = new SMTPServer({
    logger: false,
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    disableReverseLookup: true,
    closeTimeout: 1_000,
    size: 25 * 1024 * 1024,
    onData(stream, session, callback) {
      simpleParser(stream, { skipTextToHtml: true, skipImageLinks: true })
        .then((parsed) => {
          const headers: Record<string, string> = {};
          for (const { key, line } of parsed.headerLines) {
            const value = line
              .slice(line.indexOf(":") + 1)
              .replace(/\r?\n[ \t]+/g, " ")
              .trim();
            headers[key] = headers[key] === undefined ? value : `${headers[key]}\n${value}`;
          }
          sequence += 1;
          messages.push({
            id: String(sequence),
            receivedAt: new Date(),
            envelope: {
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
              to: session.envelope.rcptTo.map((r) => r.address),
            },
            messageId: parsed.messageId ?? null,
            inReplyTo: parsed.inReplyTo ?? null,
            from: formatAddresses(parsed.from),
            to: formatAddresses(parsed.to),
            subject: parsed.subject ?? "",
            headers,
            text: parsed.text ?? "",
            html: typeof parsed.html === "string" ? parsed.html : null,
          });
          if (messages.length > maxMessages) messages.splice(0, messages.length - maxMessages);
          callback(null, `2.0.0 Caught as message ${sequence}`);
        })
        .catch((error: Error) => callback(Object.assign(error, { responseCode: 451 })));
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  return {
    smtpUrl: `smtp://127.0.0.1:${port}`,
    list: () => [...messages],
    get: (id) => messages.find((m) => m.id === id),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
