import { createServer, type Server, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { RejectionKind } from "./classify-smtp-outcome.js";
import { type SmtpTransport, smtpTransport } from "./smtp-transport.js";
import { outboundMessage } from "./testing/outbound-message.js";
import {
  startTestSmtpServer,
  type TestSmtpServer,
  type TestSmtpServerOptions,
} from "./testing/test-smtp-server.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function serverThat(options: TestSmtpServerOptions): Promise<TestSmtpServer> {
  const server = await startTestSmtpServer(options);
  cleanups.push(() => server.close());
  return server;
}

function transportTo(port: number, extra: Record<string, unknown> = {}): SmtpTransport {
  const transport = smtpTransport({ fromEmail: "ada@acme.example", host: "127.0.0.1", port, ...extra });
  cleanups.push(() => transport.close());
  return transport;
}

/** A port nothing listens on: bound once, then released. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** A TCP server that accepts connections and never says a word. */
async function silentServer(): Promise<number> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => sockets.add(socket));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return (server.address() as { port: number }).port;
}

describe("smtpTransport maps what a real server answers to the engine's outcomes", () => {
  it("a recipient refused with 550 5.1.1 is a hard bounce", async () => {
    const text =
      "5.1.1 The email account that you tried to reach does not exist. Please try double-checking the recipient's email address for typos.";
    const server = await serverThat({ refuseRecipient: { code: 550, message: text } });
    const result = await transportTo(server.port).send(outboundMessage());
    expect(result).toEqual({ status: "rejected", kind: "hard", code: "5.1.1", response: `550 ${text}` });
    expect(server.received).toHaveLength(0);
  });

  it("a recipient greylisted with 451 4.7.1 is a soft failure", async () => {
    const text =
      "4.7.1 <grace@navy.example>: Recipient address rejected: Greylisted, please try again in 300 seconds";
    const server = await serverThat({ refuseRecipient: { code: 451, message: text } });
    const result = await transportTo(server.port).send(outboundMessage());
    expect(result).toEqual({ status: "rejected", kind: "soft", code: "4.7.1", response: `451 ${text}` });
  });

  it("a DMARC refusal, 550 5.7.26, is a sender-side rejection", async () => {
    const text =
      "5.7.26 Unauthenticated email from acme.example is not accepted due to domain's DMARC policy.";
    const server = await serverThat({ refuseRecipient: { code: 550, message: text } });
    const result = await transportTo(server.port).send(outboundMessage());
    expect(result).toEqual({ status: "rejected", kind: "sender", code: "5.7.26", response: `550 ${text}` });
  });

  it("a full mailbox, 552 5.2.2, is a soft failure", async () => {
    const text = "5.2.2 The email account that you tried to reach is over quota.";
    const server = await serverThat({ refuseRecipient: { code: 552, message: text } });
    const result = await transportTo(server.port).send(outboundMessage());
    expect(result).toEqual({ status: "rejected", kind: "soft", code: "5.2.2", response: `552 ${text}` });
  });

  it("a refused MAIL FROM is about the sender even with an addressing code", async () => {
    const text = "5.1.0 <ada@acme.example>: Sender address rejected: User unknown in local recipient table";
    const server = await serverThat({ refuseSender: { code: 550, message: text } });
    const result = await transportTo(server.port).send(outboundMessage());
    expect(result).toEqual({ status: "rejected", kind: "sender", code: "5.1.0", response: `550 ${text}` });
  });

  // Whose problem a temporary failure is: the recipient's (soft, counted against the lead) or the
  // sending side's (throttled, never counted), by the stage the server answered at and its code.
  const gmailQuota =
    "5.4.5 Daily user sending quota exceeded. For more information, go to https://support.google.com/mail/?p=ReachedLimit - gsmtp";
  const closing = "4.7.0 Try again later, closing connection.";
  const serverError = "4.3.0 Temporary server error, try again later";
  it.each<[string, TestSmtpServerOptions, RejectionKind, string, string]>([
    [
      "a full mailbox at RCPT TO is the recipient's",
      { refuseRecipient: { code: 452, message: "4.2.2 <grace@navy.example>: Mailbox full" } },
      "soft",
      "4.2.2",
      "452 4.2.2 <grace@navy.example>: Mailbox full",
    ],
    [
      "a mailbox busy after DATA is still the recipient's",
      { refuseMessage: { code: 451, message: "4.2.1 Mailbox temporarily unavailable" } },
      "soft",
      "4.2.1",
      "451 4.2.1 Mailbox temporarily unavailable",
    ],
    [
      "421 at RCPT TO is the server closing on the sender, not a refused recipient",
      { refuseRecipient: { code: 421, message: closing } },
      "throttled",
      "4.7.0",
      `421 ${closing}`,
    ],
    [
      "421 at MAIL FROM",
      { refuseSender: { code: 421, message: closing } },
      "throttled",
      "4.7.0",
      `421 ${closing}`,
    ],
    [
      "451 at MAIL FROM",
      { refuseSender: { code: 451, message: serverError } },
      "throttled",
      "4.3.0",
      `451 ${serverError}`,
    ],
    [
      "Amazon SES's 454 throttling failure at MAIL FROM",
      { refuseSender: { code: 454, message: "Throttling failure: Maximum sending rate exceeded." } },
      "throttled",
      "454",
      "454 Throttling failure: Maximum sending rate exceeded.",
    ],
    [
      "451 after DATA",
      { refuseMessage: { code: 451, message: serverError } },
      "throttled",
      "4.3.0",
      `451 ${serverError}`,
    ],
    [
      "421 after DATA",
      { refuseMessage: { code: 421, message: closing } },
      "throttled",
      "4.7.0",
      `421 ${closing}`,
    ],
    [
      "Microsoft 365's 432 4.3.2 sender thread limit after DATA",
      { refuseMessage: { code: 432, message: "4.3.2 STOREDRV.ClientSubmit; sender thread limit exceeded" } },
      "throttled",
      "4.3.2",
      "432 4.3.2 STOREDRV.ClientSubmit; sender thread limit exceeded",
    ],
    [
      "Gmail's 550 5.4.5 daily sending quota at MAIL FROM",
      { refuseSender: { code: 550, message: gmailQuota } },
      "throttled",
      "5.4.5",
      `550 ${gmailQuota}`,
    ],
    [
      "Gmail's 550 5.4.5 daily sending quota at RCPT TO",
      { refuseRecipient: { code: 550, message: gmailQuota } },
      "throttled",
      "5.4.5",
      `550 ${gmailQuota}`,
    ],
    [
      "Gmail's 550 5.4.5 daily sending quota after DATA",
      { refuseMessage: { code: 550, message: gmailQuota } },
      "throttled",
      "5.4.5",
      `550 ${gmailQuota}`,
    ],
  ])("%s", async (_case, options, kind, code, response) => {
    const server = await serverThat(options);
    const result = await transportTo(server.port).send(outboundMessage());
    expect(result).toEqual({ status: "rejected", kind, code, response });
    expect(server.received).toHaveLength(0);
  });

  it("a server that greets with 421 is throttling the sender", async () => {
    const text = "4.7.0 Too many connections from 127.0.0.1, try again later";
    const server = await serverThat({ refuseConnection: { code: 421, message: text } });
    const result = await transportTo(server.port).send(outboundMessage());
    expect(result).toMatchObject({ status: "rejected", kind: "throttled", code: "4.7.0" });
    expect(result.status === "rejected" && result.response).toContain(`421 ${text}`);
  });

  it("a connection dropped in the middle of DATA is an unknown outcome, never a bounce and never retried", async () => {
    const server = await serverThat({ dropDuringData: true });
    const result = await transportTo(server.port).send(outboundMessage());
    expect(result).toMatchObject({ status: "unknown", code: "ECONNECTION" });
    expect(server.received).toHaveLength(0);
  });

  it("wrong credentials are a transport failure carrying the server's reply", async () => {
    const server = await serverThat({ auth: { user: "ada", pass: "right" } });
    const result = await transportTo(server.port, { auth: { user: "ada", pass: "wrong" } }).send(
      outboundMessage(),
    );
    expect(result).toEqual({
      status: "rejected",
      kind: "transport",
      code: "5.7.8",
      response: "535 5.7.8 Username and Password not accepted",
    });
  });

  it("right credentials are accepted by the same server", async () => {
    const server = await serverThat({ auth: { user: "ada", pass: "right" } });
    const result = await transportTo(server.port, { auth: { user: "ada", pass: "right" } }).send(
      outboundMessage(),
    );
    expect(result.status).toBe("accepted");
    expect(server.received).toHaveLength(1);
  });

  it("nothing listening on the port is a transport failure", async () => {
    const port = await closedPort();
    const result = await transportTo(port).send(outboundMessage());
    expect(result).toMatchObject({ status: "rejected", kind: "transport", code: "ESOCKET" });
    expect(result.status === "rejected" && result.response).toContain("ECONNREFUSED");
  });

  it("a server that never greets is a transport failure once the greeting timeout passes", async () => {
    const port = await silentServer();
    const result = await transportTo(port, { timeouts: { greetingMs: 200 } }).send(outboundMessage());
    expect(result).toMatchObject({ status: "rejected", kind: "transport", code: "ETIMEDOUT" });
  });

  it("keeps delivering over the same pooled connection after a refused recipient", async () => {
    const server = await serverThat({
      refuseRecipient: {
        code: 550,
        message: "5.1.1 <gone@navy.example>: Recipient address rejected",
        only: "gone@navy.example",
      },
    });
    const transport = transportTo(server.port);
    const bounced = await transport.send(outboundMessage({ to: { name: null, email: "gone@navy.example" } }));
    const delivered = await transport.send(outboundMessage());
    expect(bounced).toMatchObject({ status: "rejected", kind: "hard", code: "5.1.1" });
    expect(delivered.status).toBe("accepted");
    expect(server.received.map((m) => m.rcptTo)).toEqual([["grace@navy.example"]]);
  });
});
