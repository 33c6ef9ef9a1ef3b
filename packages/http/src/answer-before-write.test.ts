import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Cadenza, Store } from "@cadenza/core";
import { memoryStore, sentTrackedEmails } from "@cadenza/core/testing";
import express from "express";
import { describe, expect, it } from "vitest";
import { cadenzaTrackingEngine } from "./cadenza-tracking-engine.js";
import { expressRouter } from "./express-router.js";
import { toNodeHandler } from "./node-handler.js";
import { PIXEL_GIF } from "./responses.js";
import { createTrackingHandlers, type TrackingHandlers } from "./tracking-handlers.js";

const SECRET = "answer-before-write-secret-long-enough";
const HUMAN =
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Thunderbird/128.0";

/** A memory store whose engagement writes can be held back, or made to fail, by the test. */
function holdableStore() {
  const store = memoryStore();
  let held: { promise: Promise<void>; resolve(): void } | null = null;
  let failure: Error | null = null;
  let started = 0;
  const holdable: Store = {
    ...store,
    async recordEngagements(engagements) {
      started++;
      if (held) await held.promise;
      if (failure) throw failure;
      return store.recordEngagements(engagements);
    },
  };
  return {
    store: holdable,
    /** How many engagement writes have begun. */
    started: () => started,
    hold() {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => {
        resolve = r;
      });
      held = { promise, resolve };
    },
    release() {
      held?.resolve();
      held = null;
    },
    failWrites(error: Error | null) {
      failure = error;
    },
  };
}

/** An engine that has sent `count` emails, with the paths of their pixels and links. */
async function sentEmails(store: Store, count: number) {
  const sent = await sentTrackedEmails(store, count, SECRET);
  return {
    cadenza: sent.cadenza,
    campaignId: sent.campaignId,
    opens: sent.opens.map((token) => `/t/open/${token}`),
    clicks: sent.clicks.map((token) => `/t/click/${token}`),
  };
}

async function listen(handler: Parameters<typeof createServer>[1]) {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    /** Stops taking requests and closes every connection, as a host does on shutdown. */
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function handlersOf(cadenza: Cadenza) {
  const errors: unknown[] = [];
  const handlers = createTrackingHandlers(cadenzaTrackingEngine(cadenza), {
    basePath: "/t",
    onError: (error) => errors.push(error),
  });
  return { handlers, errors };
}

const events = async (cadenza: Cadenza, campaignId: string, kind: "opened" | "clicked") =>
  (await cadenza.store.listEvents({ campaignId, kinds: [kind], limit: 1_000 })).length;

/** Whether `flush()` has resolved after a few event-loop turns. */
async function flushedSoon(handlers: TrackingHandlers): Promise<boolean> {
  let flushed = false;
  void handlers.flush().then(() => {
    flushed = true;
  });
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
  return flushed;
}

describe("tracking handlers that answer before the write", () => {
  it("answer a burst of opens while their writes are held, and flush() makes every one present", async () => {
    const gate = holdableStore();
    const { cadenza, campaignId, opens } = await sentEmails(gate.store, 20);
    const { handlers, errors } = handlersOf(cadenza);
    const server = await listen(toNodeHandler(handlers));
    try {
      gate.hold();
      const responses = await Promise.all(
        opens.map((path) => fetch(`${server.baseUrl}${path}`, { headers: { "user-agent": HUMAN } })),
      );
      for (const response of responses) {
        expect(response.status).toBe(200);
        expect(new Uint8Array(await response.arrayBuffer())).toEqual(PIXEL_GIF);
      }
      expect(gate.started()).toBeGreaterThan(0);
      expect(await events(cadenza, campaignId, "opened")).toBe(0);
      expect(await flushedSoon(handlers)).toBe(false);

      gate.release();
      await handlers.flush();
      expect(await events(cadenza, campaignId, "opened")).toBe(20);
      expect((await cadenza.counters(campaignId)).emailsOpened).toBe(20);
      expect(errors).toEqual([]);
    } finally {
      gate.release();
      await server.close();
    }
  });

  it("redirect a click to its link while its write is held", async () => {
    const gate = holdableStore();
    const { cadenza, campaignId, clicks } = await sentEmails(gate.store, 1);
    const { handlers } = handlersOf(cadenza);
    const server = await listen(toNodeHandler(handlers));
    try {
      gate.hold();
      const response = await fetch(`${server.baseUrl}${clicks[0]}`, {
        redirect: "manual",
        headers: { "user-agent": HUMAN },
      });
      expect(response.status).toBe(302);
      expect(response.headers.get("location")).toBe("https://example.com/x");
      expect(await events(cadenza, campaignId, "clicked")).toBe(0);

      gate.release();
      await handlers.flush();
      expect(await events(cadenza, campaignId, "clicked")).toBe(1);
    } finally {
      gate.release();
      await server.close();
    }
  });

  it("report a write that failed after the answer to onError, and flush() still resolves", async () => {
    const gate = holdableStore();
    const { cadenza, campaignId, opens, clicks } = await sentEmails(gate.store, 1);
    const { handlers, errors } = handlersOf(cadenza);
    const server = await listen(toNodeHandler(handlers));
    try {
      gate.hold();
      gate.failWrites(new Error("connection lost"));
      const pixel = await fetch(`${server.baseUrl}${opens[0]}`, { headers: { "user-agent": HUMAN } });
      const redirect = await fetch(`${server.baseUrl}${clicks[0]}`, { redirect: "manual" });
      expect(pixel.status).toBe(200);
      expect(redirect.status).toBe(302);
      expect(errors).toEqual([]);

      gate.release();
      await expect(handlers.flush()).resolves.toBeUndefined();
      expect(errors).toHaveLength(2);
      for (const error of errors) expect(error).toMatchObject({ message: "connection lost" });
      expect(await events(cadenza, campaignId, "opened")).toBe(0);
      expect(await events(cadenza, campaignId, "clicked")).toBe(0);
    } finally {
      gate.release();
      await server.close();
    }
  });

  it("keep every answered click through a shutdown: server closed, then flushed (express)", async () => {
    const gate = holdableStore();
    const { cadenza, campaignId, clicks } = await sentEmails(gate.store, 10);
    const { handlers, errors } = handlersOf(cadenza);
    const app = express();
    app.use(expressRouter(handlers));
    const server = await listen(app);
    gate.hold();
    const responses = await Promise.all(
      clicks.map((path) =>
        fetch(`${server.baseUrl}${path}`, { redirect: "manual", headers: { "user-agent": HUMAN } }),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(clicks.map(() => 302));

    await server.close();
    const flushed = handlers.flush();
    expect(await flushedSoon(handlers)).toBe(false);
    gate.release();
    await flushed;
    expect(await events(cadenza, campaignId, "clicked")).toBe(10);
    expect(errors).toEqual([]);
  });
});
