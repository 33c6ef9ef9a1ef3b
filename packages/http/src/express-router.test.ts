import type { AddressInfo } from "node:net";
import express from "express";
import { describe, expect, it } from "vitest";
import { inboundOffHandlers, runTrackingHandlerSuite } from "../test/tracking-handler-suite.js";
import { expressRouter } from "./express-router.js";
import type { NodeAdapterOptions } from "./node-handler.js";
import type { TrackingHandlers } from "./tracking-handlers.js";

async function serveExpress(handlers: TrackingHandlers, options: NodeAdapterOptions, parseForms = false) {
  const app = express();
  // A body parser mounted first: the router must still read what it already consumed.
  if (parseForms) app.use(express.urlencoded({ extended: false }));
  app.use(expressRouter(handlers, options));
  app.get("/health", (_req, res) => {
    res.send("ok");
  });
  const server = app.listen(0, "127.0.0.1");
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

runTrackingHandlerSuite("express", (handlers, options) => serveExpress(handlers, options));
runTrackingHandlerSuite("express with a form parser mounted first", (handlers, options) =>
  serveExpress(handlers, options, true),
);

describe("expressRouter", () => {
  it("passes paths that are not tracking routes on to the next handler", async () => {
    const server = await serveExpress(inboundOffHandlers(), {});
    try {
      const response = await fetch(`${server.baseUrl}/health`);
      expect(response.status).toBe(200);
      expect(await response.text()).toBe("ok");
    } finally {
      await server.close();
    }
  });
});
