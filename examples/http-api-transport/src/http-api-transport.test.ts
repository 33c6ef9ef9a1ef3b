import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { OutboundMessage } from "@cadenza/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { classifyHttpApiResponse, httpApiTransport } from "./http-api-transport.js";

interface ReceivedRequest {
  path: string;
  headers: IncomingMessage["headers"];
  body: Record<string, unknown>;
}

/** What the fake provider answers for each recipient (the recipient picks the scenario). */
const scenarios: Record<string, { status: number; body?: unknown }> = {
  "grace@navy.example": { status: 202, body: { id: "msg_123" } },
  "gone@navy.example": {
    status: 422,
    body: { error: { code: "invalid_recipient", message: "No such mailbox" } },
  },
  "full@navy.example": { status: 422, body: { error: { code: "mailbox_full", message: "Mailbox is full" } } },
  "typo@navy.example": { status: 422 },
  "slow-down@navy.example": {
    status: 429,
    body: { error: { code: "rate_limited", message: "Too many requests" } },
  },
  "outage@navy.example": { status: 503 },
  "blocked@navy.example": {
    status: 403,
    body: { error: { code: "sender_blocked", message: "Sender blocked" } },
  },
};

const received: ReceivedRequest[] = [];
let server: Server;
let baseUrl: string;

function handle(request: IncomingMessage, response: ServerResponse) {
  let raw = "";
  request.on("data", (chunk: Buffer) => {
    raw += chunk.toString("utf8");
  });
  request.on("end", () => {
    const body = JSON.parse(raw) as { to: { email: string } };
    received.push({ path: request.url ?? "", headers: request.headers, body });
    if (request.headers.authorization !== "Bearer key_live") {
      response.writeHead(401, { "content-type": "application/json" });
      response.end(JSON.stringify({ error: { message: "Invalid API key" } }));
      return;
    }
    if (body.to.email === "hang@navy.example") return; // never answers
    const scenario = scenarios[body.to.email] ?? { status: 500 };
    response.writeHead(scenario.status, { "content-type": "application/json" });
    response.end(scenario.body === undefined ? "" : JSON.stringify(scenario.body));
  });
}

beforeAll(async () => {
  server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function message(to: string): OutboundMessage {
  return {
    messageId: `<${to.split("@")[0]}@mail.acme.example>`,
    from: { name: "Ada Lovelace", email: "ada@acme.example" },
    to: { name: null, email: to },
    replyTo: null,
    subject: "Hello",
    html: "<p>Hello</p>",
    text: "Hello",
    inReplyTo: null,
    references: [],
    headers: { "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" },
    idempotencyKey: `idem-${to}`,
    mailboxId: null,
  };
}

describe("httpApiTransport against a local HTTP server", () => {
  it("posts the message with its idempotency key and reports the provider's id", async () => {
    const transport = httpApiTransport({ baseUrl, apiKey: "key_live" });
    const result = await transport.send(message("grace@navy.example"));
    expect(result).toEqual({
      status: "accepted",
      response: '{"id":"msg_123"}',
      providerMessageId: "msg_123",
    });
    const request = received.find((r) => (r.body.to as { email: string }).email === "grace@navy.example");
    expect(request?.path).toBe("/v1/messages");
    expect(request?.headers["idempotency-key"]).toBe("idem-grace@navy.example");
    expect(request?.body).toMatchObject({
      message_id: "<grace@mail.acme.example>",
      subject: "Hello",
      headers: { "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" },
    });
  });

  it.each([
    ["gone@navy.example", "hard", "invalid_recipient"],
    ["full@navy.example", "soft", "mailbox_full"],
    ["typo@navy.example", "hard", "422"],
    ["slow-down@navy.example", "throttled", "rate_limited"],
    ["outage@navy.example", "transport", "503"],
    ["blocked@navy.example", "sender", "sender_blocked"],
    ["unknown@navy.example", "transport", "500"],
  ])("maps the answer for %s to %s", async (to, kind, code) => {
    const result = await httpApiTransport({ baseUrl, apiKey: "key_live" }).send(message(to));
    expect(result).toMatchObject({ status: "rejected", kind, code });
  });

  it("a refused API key is a sender-side rejection", async () => {
    const result = await httpApiTransport({ baseUrl, apiKey: "key_revoked" }).send(
      message("grace@navy.example"),
    );
    expect(result).toEqual({
      status: "rejected",
      kind: "sender",
      code: "401",
      response: '{"error":{"message":"Invalid API key"}}',
    });
  });

  it("no answer in time is a transport failure", async () => {
    const result = await httpApiTransport({ baseUrl, apiKey: "key_live", timeoutMs: 200 }).send(
      message("hang@navy.example"),
    );
    expect(result).toMatchObject({ status: "rejected", kind: "transport", code: "TIMEOUT" });
  });

  it("nothing listening is a transport failure", async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const result = await httpApiTransport({ baseUrl: `http://127.0.0.1:${port}`, apiKey: "k" }).send(
      message("grace@navy.example"),
    );
    expect(result).toMatchObject({ status: "rejected", kind: "transport", code: "ECONNREFUSED" });
  });

  it("lets provider codes win over the status", () => {
    expect(classifyHttpApiResponse(400, "invalid_recipient")).toBe("hard");
    expect(classifyHttpApiResponse(422, "domain_not_verified")).toBe("sender");
    expect(classifyHttpApiResponse(400, null)).toBe("sender");
  });
});
