import { type AddressObject, type ParsedMail, simpleParser } from "mailparser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { smtpTransport } from "./smtp-transport.js";
import { outboundMessage } from "./testing/outbound-message.js";
import { startTestSmtpServer, type TestSmtpServer } from "./testing/test-smtp-server.js";

let server: TestSmtpServer;

beforeAll(async () => {
  server = await startTestSmtpServer();
});
afterAll(async () => {
  await server.close();
});

function mailboxAt(port: number) {
  return {
    fromName: "Acme Sales",
    fromEmail: "ada@acme.example",
    host: "127.0.0.1",
    port,
    ehloName: "mx.acme.example",
  };
}

async function receivedWithMessageId(messageId: string) {
  const message = server.received.find((m) => m.raw.toString("latin1").includes(messageId));
  if (!message) throw new Error(`the server received no message ${messageId}`);
  return { ...message, parsed: await simpleParser(message.raw) };
}

/** A header's value as written on the wire, unfolded (mailparser folds List-* headers into one object). */
function headerValue(parsed: ParsedMail, name: string): string | undefined {
  const line = parsed.headerLines.find((h) => h.key === name.toLowerCase())?.line;
  return line
    ?.slice(name.length + 1)
    .replace(/\r?\n[ \t]+/g, " ")
    .trim();
}

const firstAddress = (field: AddressObject | AddressObject[] | undefined) =>
  (Array.isArray(field) ? field[0] : field)?.value[0];

describe("smtpTransport against a real SMTP server", () => {
  it("names itself after the mailbox", () => {
    const transport = smtpTransport(mailboxAt(server.port));
    expect(transport.name).toBe("smtp:ada@acme.example");
  });

  it("delivers a message with the engine's Message-ID, addresses, headers and both parts", async () => {
    const transport = smtpTransport(mailboxAt(server.port));
    const message = outboundMessage();
    const result = await transport.send(message);
    await transport.close();

    expect(result).toEqual({
      status: "accepted",
      response: expect.stringMatching(/^250 .*queued as TEST/),
      providerMessageId: message.messageId,
    });
    const { parsed, mailFrom, rcptTo } = await receivedWithMessageId(message.messageId);
    expect(parsed.messageId).toBe(message.messageId);
    expect(firstAddress(parsed.from)).toEqual({ name: "Ada Lovelace", address: "ada@acme.example" });
    expect(firstAddress(parsed.to)).toEqual({ name: "Grace Hopper", address: "grace@navy.example" });
    expect(firstAddress(parsed.replyTo)?.address).toBe("replies@acme.example");
    expect(parsed.subject).toBe(message.subject);
    expect(parsed.text?.trim()).toBe(message.text);
    expect(parsed.html).toContain("<b>compiler</b>");
    expect(headerValue(parsed, "List-Unsubscribe")).toBe(message.headers["List-Unsubscribe"]);
    expect(headerValue(parsed, "List-Unsubscribe-Post")).toBe("List-Unsubscribe=One-Click");
    expect(parsed.headers.get("x-idempotency-key")).toBe(message.idempotencyKey);
    expect(parsed.inReplyTo).toBeUndefined();
    expect(parsed.references).toBeUndefined();
    expect(mailFrom).toBe("ada@acme.example");
    expect(rcptTo).toEqual(["grace@navy.example"]);
  });

  it("threads step 2 onto step 1: In-Reply-To and References carry step 1's Message-ID", async () => {
    const transport = smtpTransport(mailboxAt(server.port));
    const step1 = outboundMessage();
    expect((await transport.send(step1)).status).toBe("accepted");
    const step2 = outboundMessage({
      subject: `Re: ${step1.subject}`,
      inReplyTo: step1.messageId,
      references: [step1.messageId],
    });
    expect((await transport.send(step2)).status).toBe("accepted");
    const step3 = outboundMessage({
      inReplyTo: step2.messageId,
      references: [step1.messageId, step2.messageId],
    });
    expect((await transport.send(step3)).status).toBe("accepted");
    await transport.close();

    const first = (await receivedWithMessageId(step1.messageId)).parsed;
    const second = (await receivedWithMessageId(step2.messageId)).parsed;
    const third = (await receivedWithMessageId(step3.messageId)).parsed;
    expect(second.inReplyTo).toBe(first.messageId);
    expect(second.references).toBe(first.messageId);
    expect(third.inReplyTo).toBe(second.messageId);
    expect(third.references).toEqual([first.messageId, second.messageId]);
  });

  it("sends from the mailbox's address by default, with the message's display name", async () => {
    const transport = smtpTransport(mailboxAt(server.port));
    const message = outboundMessage({ from: { name: "Ada at Acme", email: "someone-else@other.example" } });
    expect((await transport.send(message)).status).toBe("accepted");
    const unnamed = outboundMessage({ from: { name: "", email: "ada@acme.example" } });
    expect((await transport.send(unnamed)).status).toBe("accepted");
    await transport.close();

    const { parsed, mailFrom } = await receivedWithMessageId(message.messageId);
    expect(firstAddress(parsed.from)).toEqual({ name: "Ada at Acme", address: "ada@acme.example" });
    expect(mailFrom).toBe("ada@acme.example");
    const fallback = (await receivedWithMessageId(unnamed.messageId)).parsed;
    expect(firstAddress(fallback.from)).toEqual({ name: "Acme Sales", address: "ada@acme.example" });
  });

  it("writes the message's From as given when fromHeader is 'message', keeping the mailbox as envelope sender", async () => {
    const transport = smtpTransport(mailboxAt(server.port), { fromHeader: "message" });
    const message = outboundMessage({ from: { name: "Sales", email: "sales@acme.example" } });
    expect((await transport.send(message)).status).toBe("accepted");
    await transport.close();

    const { parsed, mailFrom } = await receivedWithMessageId(message.messageId);
    expect(firstAddress(parsed.from)).toEqual({ name: "Sales", address: "sales@acme.example" });
    expect(mailFrom).toBe("ada@acme.example");
  });

  it("names the idempotency header as configured, or leaves it out", async () => {
    const renamed = smtpTransport(mailboxAt(server.port), { idempotencyKeyHeader: "X-Entity-Ref-ID" });
    const omitted = smtpTransport(mailboxAt(server.port), { idempotencyKeyHeader: false });
    const a = outboundMessage();
    const b = outboundMessage();
    expect((await renamed.send(a)).status).toBe("accepted");
    expect((await omitted.send(b)).status).toBe("accepted");
    await Promise.all([renamed.close(), omitted.close()]);

    const first = (await receivedWithMessageId(a.messageId)).parsed;
    expect(first.headers.get("x-entity-ref-id")).toBe(a.idempotencyKey);
    expect(first.headers.has("x-idempotency-key")).toBe(false);
    const second = (await receivedWithMessageId(b.messageId)).parsed;
    expect(second.headers.has("x-idempotency-key")).toBe(false);
    expect(second.headerLines.some((h) => h.line.includes(b.idempotencyKey))).toBe(false);
  });

  it("sends a text-only message as a single text part", async () => {
    const transport = smtpTransport(mailboxAt(server.port));
    const message = outboundMessage({ html: null, replyTo: null });
    expect((await transport.send(message)).status).toBe("accepted");
    await transport.close();

    const { parsed } = await receivedWithMessageId(message.messageId);
    expect(parsed.html).toBe(false);
    expect(parsed.text?.trim()).toBe(message.text);
    expect(parsed.replyTo).toBeUndefined();
    expect(parsed.headers.get("content-type")).toMatchObject({ value: "text/plain" });
  });

  it("pools connections: concurrent sends all succeed over at most maxConnections sessions, and close resolves", async () => {
    const transport = smtpTransport({
      ...mailboxAt(server.port),
      pool: { maxConnections: 2, maxMessages: 50 },
    });
    const messages = Array.from({ length: 12 }, () => outboundMessage());
    const results = await Promise.all(messages.map((m) => transport.send(m)));
    await expect(transport.close()).resolves.toBeUndefined();

    expect(results.map((r) => r.status)).toEqual(Array(12).fill("accepted"));
    const sessions = new Set<string>();
    for (const message of messages) sessions.add((await receivedWithMessageId(message.messageId)).sessionId);
    expect(sessions.size).toBeGreaterThanOrEqual(1);
    expect(sessions.size).toBeLessThanOrEqual(2);
  });

  it("opens a connection per message when pooling is off", async () => {
    const transport = smtpTransport({ ...mailboxAt(server.port), pool: false });
    const messages = [outboundMessage(), outboundMessage(), outboundMessage()];
    for (const message of messages) expect((await transport.send(message)).status).toBe("accepted");
    await transport.close();

    const sessions = new Set<string>();
    for (const message of messages) sessions.add((await receivedWithMessageId(message.messageId)).sessionId);
    expect(sessions.size).toBe(3);
  });

  it("answers a send after close with a transport failure instead of hanging", async () => {
    const transport = smtpTransport(mailboxAt(server.port));
    await transport.close();
    const result = await transport.send(outboundMessage());
    expect(result).toEqual({
      status: "rejected",
      kind: "transport",
      code: "ECONNECTION",
      response: "Connection pool was closed",
    });
  });

  it("asks a server that offers DSN for reports naming the email by its Message-ID, with headers only", async () => {
    const dsnServer = await startTestSmtpServer({ dsn: true });
    try {
      const transport = smtpTransport(mailboxAt(dsnServer.port));
      const message = outboundMessage();
      expect(await transport.send(message)).toMatchObject({ status: "accepted" });
      await transport.close();
      const [received] = dsnServer.received;
      expect(received?.mailFromParams).toEqual({ RET: "HDRS", ENVID: message.messageId.slice(1, -1) });
      expect(received?.rcptToParams).toEqual([
        { NOTIFY: "FAILURE,DELAY", ORCPT: "rfc822;grace@navy.example" },
      ]);
    } finally {
      await dsnServer.close();
    }
  });

  it("sends no DSN parameter to a server that does not offer DSN, and delivers all the same", async () => {
    const transport = smtpTransport(mailboxAt(server.port));
    const message = outboundMessage();
    expect(await transport.send(message)).toMatchObject({ status: "accepted" });
    await transport.close();
    const received = await receivedWithMessageId(message.messageId);
    expect(received.mailFromParams).toEqual({});
    expect(received.rcptToParams).toEqual([{}]);
  });
});
