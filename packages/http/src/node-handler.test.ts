import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { inboundOffHandlers, runTrackingHandlerSuite } from "../test/tracking-handler-suite.js";
import { toNodeHandler } from "./node-handler.js";

async function listen(handler: ReturnType<typeof toNodeHandler>) {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

runTrackingHandlerSuite("node:http", (handlers, options) => listen(toNodeHandler(handlers, options)));

describe("toNodeHandler", () => {
  it("refuses a body over its own limit before the handler reads it", async () => {
    const server = await listen(toNodeHandler(inboundOffHandlers(), { maxBodyBytes: 10 }));
    try {
      const response = await fetch(`${server.baseUrl}/inbound`, { method: "POST", body: "x".repeat(11) });
      expect(response.status).toBe(413);
    } finally {
      await server.close();
    }
  });

  it("keeps the inbound route off when no secret was configured", async () => {
    const server = await listen(toNodeHandler(inboundOffHandlers()));
    try {
      const response = await fetch(`${server.baseUrl}/inbound`, {
        method: "POST",
        body: "Subject: x\r\n\r\ny",
      });
      expect(response.status).toBe(404);
    } finally {
      await server.close();
    }
  });
});
