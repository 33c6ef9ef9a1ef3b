import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { SMTPServer } from "smtp-server";
import { SinkLog } from "./sink-log.js";
import { ALWAYS_BUSY_PREFIX, dataVerdict, HARD_BOUNCE_PREFIX, type SinkFaults } from "./smtp-sink-faults.js";

/** A running sink: its port and how to stop it. */
export interface SmtpSink {
  port: number;
  close(): Promise<void>;
}

function reply(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

/** The value of one header in a raw message's header block (unfolded), or null. */
export function headerValue(raw: string, name: string): string | null {
  const end = raw.search(/\r?\n\r?\n/);
  const head = (end === -1 ? raw : raw.slice(0, end)).replace(/\r?\n[ \t]+/g, " ");
  const wanted = name.toLowerCase();
  for (const line of head.split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon > 0 && line.slice(0, colon).trim().toLowerCase() === wanted)
      return line.slice(colon + 1).trim();
  }
  return null;
}

/**
 * An SMTP server (smtp-server) that logs every message it accepts to `logFile`, fsynced before it
 * answers 250, and misbehaves as `faults` say. Plain SMTP on loopback, no authentication.
 */
export async function startSmtpSink(options: {
  logFile: string;
  faults: SinkFaults;
  port?: number;
}): Promise<SmtpSink> {
  const { faults } = options;
  const log = new SinkLog(options.logFile);
  const now = () => new Date().toISOString();
  const refused = (
    how: string,
    to: string | null,
    key: string | null = null,
    messageId: string | null = null,
  ) => log.append({ event: "refused", key, messageId, to, how, at: now() }, false);

  const server: SMTPServer = new SMTPServer({
    logger: false,
    disableReverseLookup: true,
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    closeTimeout: 500,
    size: 10 * 1024 * 1024,
    onRcptTo(address, _session, callback) {
      const to = address.address.toLowerCase();
      if (to.startsWith(HARD_BOUNCE_PREFIX)) {
        refused("hard", to);
        return callback(reply(550, "5.1.1 The email account that you tried to reach does not exist"));
      }
      if (Math.random() < faults.throttle) {
        refused("throttle", to);
        return Math.random() < 0.5
          ? callback(reply(451, "4.3.0 Temporary server error, try again later"))
          : callback(reply(421, "4.7.0 Too many connections, try again later"));
      }
      callback();
    },
    onData(stream, session, callback) {
      const to = session.envelope.rcptTo[0]?.address.toLowerCase() ?? null;
      const verdict = to?.startsWith(ALWAYS_BUSY_PREFIX) ? "accept" : dataVerdict(faults, Math.random());
      const destroy = () => [...server.connections].find((c) => c.id === session.id)?._socket.destroy();
      if (verdict === "drop") {
        stream.once("data", () => {
          refused("drop", to);
          destroy();
        });
        stream.resume();
        return;
      }
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        const key = headerValue(raw, "X-Idempotency-Key");
        const messageId = headerValue(raw, "Message-ID");
        // Refused after DATA, where the idempotency key is known, so retries can be counted per step.
        if (to?.startsWith(ALWAYS_BUSY_PREFIX)) {
          refused("busy", to, key, messageId);
          return callback(reply(451, "4.2.1 Mailbox temporarily unavailable, try again later"));
        }
        if (verdict === "stall") {
          refused("stall", to, key, messageId);
          void sleep(faults.stallMs).then(() => callback(reply(451, "4.4.2 Timed out, try again later")));
          return;
        }
        log.append({ event: "accepted", key, messageId, to, how: verdict, at: now() }, true);
        if (verdict === "ack-loss") {
          destroy();
          return;
        }
        callback(null, "2.0.0 Ok: queued");
      });
    },
  });
  // A client killed mid-session resets its connection; smtp-server reports that as a server error event,
  // which would end the process if nobody listened.
  server.on("error", () => undefined);
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  return {
    port: (server.server.address() as AddressInfo).port,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      log.close();
    },
  };
}
