import { readFileSync } from "node:fs";
import { Agent, createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryTrackingEngine } from "../test/memory-tracking-engine.js";
import { toNodeHandler } from "./node-handler.js";
import { createTrackingHandlers } from "./tracking-handlers.js";

const RUNS = 10_000;
const SECRET = "fuzz-secret-for-tracking-handlers-0000000";
const fixtures = ["gmail-reply.eml", "postfix-dsn-5.1.1.eml", "exchange-out-of-office.eml"].map((name) =>
  readFileSync(new URL(`../test/fixtures/${name}`, import.meta.url), "latin1"),
);

describe("tracking handlers under fuzzing", () => {
  const state = memoryTrackingEngine({ secrets: [SECRET], now: () => new Date("2026-11-20T12:00:00Z") });
  const errors: unknown[] = [];
  const handlers = createTrackingHandlers(state.engine, {
    inboundSecret: null,
    maxBodyBytes: 32 * 1024,
    onError: (error) => errors.push(error),
  });
  const server = createServer(toNodeHandler(handlers, { maxBodyBytes: 48 * 1024 }));
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  let port = 0;
  let valid: Awaited<ReturnType<typeof state.send>>;

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
    valid = await state.send({
      id: "0192f0c4-0000-7000-8000-00000000f022",
      messageId: "<0192f0c4-0005-7000-8000-000000000005@sender.example>",
      toEmail: "fuzz@customer.example",
      links: ["https://example.com/a", "https://example.com/b"],
      sentAt: new Date("2026-11-20T11:00:00Z"),
    });
  });
  afterAll(async () => {
    agent.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const send = (method: string, path: string, headers: Record<string, string>, body: Buffer | null) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request({ host: "127.0.0.1", port, method, path, headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }),
        );
        res.on("error", reject);
      });
      req.on("error", reject);
      req.end(body ?? undefined);
    });

  /** A token: a valid one, a mutation of one, or anything URL-safe. */
  const token = () =>
    fc.oneof(
      fc.constantFrom(valid.open, valid.clicks[0]!, valid.clicks[1]!, valid.unsubscribe),
      fc
        .tuple(
          fc.constantFrom(valid.open, valid.clicks[0]!, valid.unsubscribe),
          fc.nat(80),
          fc.string({ maxLength: 3 }),
        )
        .map(([t, at, insert]) =>
          encodeURIComponent(t.slice(0, at % t.length) + insert + t.slice((at % t.length) + 1)),
        ),
      fc.stringMatching(/^[A-Za-z0-9_-]{0,140}$/),
      fc.string({ maxLength: 40 }).map(encodeURIComponent),
    );

  const path = () =>
    fc.oneof(
      fc
        .tuple(fc.constantFrom("open", "click", "unsubscribe"), token())
        .map(([route, t]) => `/${route}/${t}`),
      fc.constantFrom(
        "/inbound",
        "/",
        "/open",
        "/open/",
        "/click//",
        "/unsubscribe/a/b",
        "/%2e%2e/inbound",
        "/open/%zz",
      ),
      fc
        .array(fc.string({ maxLength: 12 }).map(encodeURIComponent), { maxLength: 5 })
        .map((s) => `/${s.join("/")}`),
      fc
        .tuple(fc.constantFrom("open", "click"), token(), fc.string({ maxLength: 30 }))
        .map(([route, t, q]) => `/${route}/${t}?url=${encodeURIComponent(q)}`),
    );

  const body = () =>
    fc.oneof(
      fc.constant(null),
      fc.constantFrom(
        "List-Unsubscribe=One-Click",
        "confirm=yes",
        "List-Unsubscribe=one-click&confirm=no",
        "",
      ),
      fc.string({ maxLength: 300 }),
      fc.uint8Array({ maxLength: 600 }).map((b) => Buffer.from(b).toString("latin1")),
      fc
        .tuple(fc.constantFrom(...fixtures), fc.nat(), fc.nat(), fc.string({ maxLength: 40 }))
        .map(([text, a, b, insert]) => {
          const from = a % text.length;
          const to = from + (b % 200);
          return text.slice(0, from) + insert + text.slice(to);
        }),
    );

  it(`answers ${RUNS} random requests without a single 5xx or stack trace`, async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"),
        path(),
        fc.constantFrom(
          "application/x-www-form-urlencoded",
          "multipart/form-data; boundary=xyz",
          "multipart/form-data",
          "message/rfc822",
          "text/plain; charset=utf-8",
          "",
        ),
        fc.option(
          fc.string({ maxLength: 80 }).map((s) => s.replace(/[^\x20-\x7e]/g, "")),
          { nil: undefined },
        ),
        body(),
        async (method, target, contentType, userAgent, payload) => {
          const headers: Record<string, string> = {};
          if (contentType) headers["content-type"] = contentType;
          if (userAgent !== undefined) headers["user-agent"] = userAgent;
          const bytes =
            payload === null || method === "GET" || method === "HEAD" ? null : Buffer.from(payload, "latin1");
          const response = await send(method, target, headers, bytes);
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
          expect(response.status, `${method} ${target}`).toBeLessThan(500);
          expect(response.body).not.toMatch(/\n\s+at |Error:/);
        },
      ),
      { numRuns: RUNS },
    );
    expect(errors).toEqual([]);
    // The generators reach every kind of answer, not only 404s.
    for (const status of [200, 302, 400, 404, 405]) expect(statuses.get(status) ?? 0).toBeGreaterThan(0);
  }, 240_000);
});
