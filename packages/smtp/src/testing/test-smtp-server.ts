import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

/** A message the test server took, as it arrived on the wire. */
export interface ReceivedMessage {
  raw: Buffer;
  mailFrom: string | null;
  rcptTo: string[];
  /** Parameters of MAIL FROM as the server read them (`RET`, `ENVID`, …), keys upper-case. */
  mailFromParams: Record<string, string>;
  /** Parameters of each RCPT TO (`NOTIFY`, `ORCPT`, …). */
  rcptToParams: Record<string, string>[];
  /** Id of the SMTP session (one per connection) that carried it. */
  sessionId: string;
}

/** An SMTP reply the test server answers a command with instead of accepting it. */
export interface ServerRefusal {
  code: number;
  /** Reply text after the code, enhanced status code included (`5.1.1 …`). */
  message: string;
}

/** How the test server behaves; by default it accepts every message without authentication. */
export interface TestSmtpServerOptions {
  /** Refuse RCPT TO with this reply: every recipient, or only the address `only`. */
  refuseRecipient?: ServerRefusal & { only?: string };
  /** Refuse every MAIL FROM with this reply. */
  refuseSender?: ServerRefusal;
  /** Refuse every message with this reply once its DATA has arrived (after the final dot). */
  refuseMessage?: ServerRefusal;
  /** Greet every connection with this reply instead of 220, and close it. */
  refuseConnection?: ServerRefusal;
  /** Destroy the connection as soon as the first bytes of DATA arrive. */
  dropDuringData?: boolean;
  /** Keep the first this-many messages but destroy the connection instead of answering 250 (a lost acknowledgement). */
  loseAcknowledgements?: number;
  /** Require AUTH PLAIN/LOGIN with these credentials. */
  auth?: { user: string; pass: string };
  /** Offer STARTTLS with the self-signed `localhost` certificate from the fixtures. */
  starttls?: boolean;
  /** Advertise DSN (RFC 3461) in the EHLO answer and accept its parameters; off by default. */
  dsn?: boolean;
}

/** A running test server: its port, what it received, and how to stop it. */
export interface TestSmtpServer {
  port: number;
  received: ReceivedMessage[];
  close(): Promise<void>;
}

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));

/** A self-signed certificate for `localhost` / 127.0.0.1, valid until 2126. */
export const selfSignedCertificate = {
  key: fixture("localhost-key.pem"),
  cert: fixture("localhost-cert.pem"),
};

function params(args: unknown): Record<string, string> {
  return args && typeof args === "object" ? { ...(args as Record<string, string>) } : {};
}

function refusal({ code, message }: ServerRefusal): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

/** Starts a real SMTP server (smtp-server) on a random loopback port. */
export async function startTestSmtpServer(options: TestSmtpServerOptions = {}): Promise<TestSmtpServer> {
  const received: ReceivedMessage[] = [];
  const server: SMTPServer = new SMTPServer({
    logger: false,
    disableReverseLookup: true,
    closeTimeout: 1_000,
    authOptional: options.auth === undefined,
    allowInsecureAuth: true,
    authMethods: ["PLAIN", "LOGIN"],
    disabledCommands: options.starttls ? [] : ["STARTTLS"],
    hideDSN: !options.dsn,
    ...(options.starttls ? selfSignedCertificate : {}),
    onConnect(_session, callback) {
      callback(options.refuseConnection ? refusal(options.refuseConnection) : null);
    },
    onAuth(auth, _session, callback) {
      const expected = options.auth;
      if (expected && auth.username === expected.user && auth.password === expected.pass) {
        callback(null, { user: auth.username });
      } else {
        callback(Object.assign(new Error("5.7.8 Username and Password not accepted"), { responseCode: 535 }));
      }
    },
    onMailFrom(_address, _session, callback) {
      callback(options.refuseSender ? refusal(options.refuseSender) : null);
    },
    onRcptTo(address, _session, callback) {
      const refuse = options.refuseRecipient;
      callback(refuse && (refuse.only ?? address.address) === address.address ? refusal(refuse) : null);
    },
    onData(stream, session, callback) {
      if (options.dropDuringData) {
        stream.once("data", () => {
          const connection = [...server.connections].find((c) => c.id === session.id);
          connection?._socket.destroy();
        });
        return;
      }
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        if (options.refuseMessage) {
          callback(refusal(options.refuseMessage));
          return;
        }
        received.push({
          raw: Buffer.concat(chunks),
          mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
          rcptTo: session.envelope.rcptTo.map((r) => r.address),
          mailFromParams: params(session.envelope.mailFrom ? session.envelope.mailFrom.args : false),
          rcptToParams: session.envelope.rcptTo.map((r) => params(r.args)),
          sessionId: session.id,
        });
        if (received.length <= (options.loseAcknowledgements ?? 0)) {
          [...server.connections].find((c) => c.id === session.id)?._socket.destroy();
          return;
        }
        callback(null, "2.0.0 Ok: queued as TEST");
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
