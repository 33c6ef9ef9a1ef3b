import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { smtpTransport } from "./smtp-transport.js";
import { outboundMessage } from "./testing/outbound-message.js";
import { startTestSmtpServer, type TestSmtpServer } from "./testing/test-smtp-server.js";

let server: TestSmtpServer;
let plainServer: TestSmtpServer;
beforeAll(async () => {
  server = await startTestSmtpServer({ starttls: true });
  plainServer = await startTestSmtpServer();
});
afterAll(async () => {
  await Promise.all([server.close(), plainServer.close()]);
});

async function sendOverStarttls(port: number, rejectUnauthorized: boolean) {
  const transport = smtpTransport({
    fromEmail: "ada@acme.example",
    host: "127.0.0.1",
    port,
    requireTLS: true,
    tls: { rejectUnauthorized, servername: "localhost" },
  });
  const message = outboundMessage();
  const result = await transport.send(message);
  await transport.close();
  return { message, result };
}

describe("STARTTLS with a self-signed certificate", () => {
  it("delivers when certificate checks are turned off", async () => {
    const { message, result } = await sendOverStarttls(server.port, false);
    expect(result.status).toBe("accepted");
    expect(server.received.some((m) => m.raw.toString("latin1").includes(message.messageId))).toBe(true);
  });

  it("is a transport failure when the certificate must verify, and nothing is sent", async () => {
    const before = server.received.length;
    const { result } = await sendOverStarttls(server.port, true);
    expect(result).toMatchObject({ status: "rejected", kind: "transport", code: "ESOCKET" });
    expect(result.status === "rejected" && result.response).toMatch(/self[- ]signed certificate/i);
    expect(server.received).toHaveLength(before);
  });

  it("is a transport failure when TLS is required and the server does not offer STARTTLS", async () => {
    const { result } = await sendOverStarttls(plainServer.port, false);
    expect(result).toMatchObject({ status: "rejected", kind: "transport", code: "500" });
    expect(plainServer.received).toHaveLength(0);
  });
});
