import { readFileSync } from "node:fs";
import { CadenzaError } from "@cadenza/core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { NodeAdapterOptions } from "../src/node-handler.js";
import { PIXEL_GIF } from "../src/responses.js";
import { createTrackingHandlers, type TrackingHandlers } from "../src/tracking-handlers.js";
import { memoryTrackingEngine } from "./memory-tracking-engine.js";

/** Starts a real server on a free loopback port serving `handlers` through one adapter. */
export type ServeHandlers = (
  handlers: TrackingHandlers,
  options: NodeAdapterOptions,
) => Promise<{ baseUrl: string; close(): Promise<void> }>;

const SECRET = "test-secret-for-the-handler-suite-000000";
const INBOUND_SECRET = "inbound-secret";
const CHROME =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";
const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));

/** The behaviour every adapter must show, run over real HTTP (better-auth's shared-suite habit). */
export function runTrackingHandlerSuite(adapter: string, serve: ServeHandlers): void {
  describe(`tracking handlers over ${adapter}`, () => {
    const now = new Date("2026-11-20T12:00:00Z");
    const engineState = memoryTrackingEngine({ secrets: [SECRET], now: () => now });
    const errors: unknown[] = [];
    const handlers = createTrackingHandlers(engineState.engine, {
      basePath: "/t",
      inboundSecret: INBOUND_SECRET,
      maxBodyBytes: 64 * 1024,
      onError: (error) => errors.push(error),
    });
    let server: Awaited<ReturnType<ServeHandlers>>;
    let tokens: Awaited<ReturnType<typeof engineState.send>>;
    let counter = 0;

    const get = (path: string, init: RequestInit = {}) =>
      fetch(`${server.baseUrl}${path}`, {
        redirect: "manual",
        ...init,
        headers: { "user-agent": CHROME, ...(init.headers as Record<string, string>) },
      });

    beforeAll(async () => {
      server = await serve(handlers, { trustProxy: true });
    });
    afterAll(async () => {
      await server.close();
    });
    beforeEach(async () => {
      counter++;
      engineState.fail(null);
      errors.length = 0;
      tokens = await engineState.send({
        id: `0192f0c4-0000-7000-8000-${String(counter).padStart(12, "0")}`,
        messageId: `<0192f0c4-0002-7000-8000-000000000002@sender.example>`,
        toEmail: `lead${counter}@customer.example`,
        links: [
          "https://example.com/pricing?a=1&b=2",
          "https://example.com/ünïcode path",
          "javascript:alert(1)",
        ],
        sentAt: new Date(now.getTime() - 3_600_000),
        replyToken: "REPLYTOKEN_123",
      });
    });

    describe("open pixel", () => {
      it("answers a GET with an uncacheable 1×1 GIF and records a human open", async () => {
        const before = engineState.opens.length;
        const response = await get(`/t/open/${tokens.open}`);
        expect(response.status).toBe(200);
        expect(response.headers.get("content-type")).toBe("image/gif");
        expect(response.headers.get("cache-control")).toBe("no-store, no-cache, must-revalidate, private");
        expect(response.headers.get("pragma")).toBe("no-cache");
        expect(new Uint8Array(await response.arrayBuffer())).toEqual(PIXEL_GIF);
        expect(engineState.opens.slice(before)).toMatchObject([{ machine: false, reason: null }]);
      });

      it("answers HEAD with headers only and records it as a machine open", async () => {
        const before = engineState.opens.length;
        const response = await get(`/t/open/${tokens.open}`, { method: "HEAD" });
        expect(response.status).toBe(200);
        expect(response.headers.get("content-type")).toBe("image/gif");
        expect((await response.arrayBuffer()).byteLength).toBe(0);
        expect(engineState.opens.slice(before)).toMatchObject([{ machine: true, reason: "head_request" }]);
      });

      it("takes the client address from X-Forwarded-For when told to trust the proxy", async () => {
        const before = engineState.opens.length;
        await get(`/t/open/${tokens.open}`, { headers: { "x-forwarded-for": "17.58.0.1, 10.0.0.1" } });
        expect(engineState.opens.slice(before)).toMatchObject([
          { machine: true, reason: "apple_mail_privacy_protection", request: { ip: "17.58.0.1" } },
        ]);
      });

      it("still answers the GIF for bad, foreign and wrong-kind tokens, recording nothing", async () => {
        const before = engineState.opens.length;
        const foreign = await memoryTrackingEngine({ secrets: ["x".repeat(40)], now: () => now }).signer.sign(
          {
            kind: "open",
            emailId: "0192f0c4-0000-7000-8000-000000000001",
          },
        );
        for (const token of ["nope", "A".repeat(68), foreign, tokens.clicks[0]!, tokens.unsubscribe, "%00"]) {
          const response = await get(`/t/open/${token}`);
          expect(response.status).toBe(200);
          expect(new Uint8Array(await response.arrayBuffer())).toEqual(PIXEL_GIF);
        }
        expect(engineState.opens.length).toBe(before);
      });

      it("still answers the GIF when the store is down", async () => {
        engineState.fail(new CadenzaError("STORE_UNAVAILABLE"));
        const response = await get(`/t/open/${tokens.open}`);
        expect(response.status).toBe(200);
        expect(response.headers.get("content-type")).toBe("image/gif");
        expect(errors).toHaveLength(1);
      });
    });

    describe("click redirect", () => {
      it("redirects to the stored link, ignoring any url parameter, and records the click", async () => {
        const before = engineState.clicks.length;
        const response = await get(`/t/click/${tokens.clicks[0]}?url=https://evil.example/`);
        expect(response.status).toBe(302);
        expect(response.headers.get("location")).toBe("https://example.com/pricing?a=1&b=2");
        expect(response.headers.get("cache-control")).toContain("no-store");
        expect(engineState.clicks.slice(before)).toMatchObject([
          { url: "https://example.com/pricing?a=1&b=2", machine: false },
        ]);
      });

      it("sends a link with spaces and non-ASCII characters as a valid Location", async () => {
        const response = await get(`/t/click/${tokens.clicks[1]}`);
        expect(response.status).toBe(302);
        expect(response.headers.get("location")).toBe("https://example.com/%C3%BCn%C3%AFcode%20path");
      });

      it("never redirects to a stored link that is not http(s)", async () => {
        const response = await get(`/t/click/${tokens.clicks[2]}`);
        expect(response.status).toBe(404);
      });

      it("answers 404 with a page for bad tokens and tokens of another kind", async () => {
        for (const token of ["garbage", tokens.open, tokens.unsubscribe, `${tokens.clicks[0]}x`]) {
          const response = await get(`/t/click/${token}`);
          expect(response.status).toBe(404);
          expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
          expect(await response.text()).toContain("Link not found");
        }
      });

      it("answers 503 without details when the store is down", async () => {
        engineState.fail(
          new CadenzaError("STORE_UNAVAILABLE", { message: "connect ECONNREFUSED 10.1.2.3:5432" }),
        );
        const response = await get(`/t/click/${tokens.clicks[0]}`);
        expect(response.status).toBe(503);
        expect(response.headers.get("retry-after")).toBe("60");
        const body = await response.text();
        expect(body).not.toContain("ECONNREFUSED");
        expect(body).not.toContain("at ");
      });
    });

    describe("unsubscribe", () => {
      it("shows a confirmation page with a POST form and unsubscribes nobody", async () => {
        const response = await get(`/t/unsubscribe/${tokens.unsubscribe}`);
        expect(response.status).toBe(200);
        expect(response.headers.get("content-security-policy")).toContain("default-src 'none'");
        const html = await response.text();
        expect(html).toContain('<form method="post">');
        expect(html).toContain('name="confirm" value="yes"');
        expect(html).not.toMatch(/https?:\/\//);
        expect(engineState.unsubscribed.size).toBe(0);
      });

      it("unsubscribes at once on an RFC 8058 one-click POST, answering 200 without redirect, idempotently", async () => {
        for (let i = 0; i < 2; i++) {
          const response = await get(`/t/unsubscribe/${tokens.unsubscribe}`, {
            method: "POST",
            headers: { "content-type": "application/x-www-form-urlencoded" },
            body: "List-Unsubscribe=One-Click",
          });
          expect(response.status).toBe(200);
          expect(await response.text()).toContain("You are unsubscribed");
        }
        expect(engineState.unsubscribed.get(`lead${counter}@customer.example`)).toMatchObject({
          oneClick: true,
        });
      });

      it("accepts the one-click body as multipart/form-data", async () => {
        const form = new FormData();
        form.set("List-Unsubscribe", "One-Click");
        const response = await get(`/t/unsubscribe/${tokens.unsubscribe}`, { method: "POST", body: form });
        expect(response.status).toBe(200);
        expect(engineState.unsubscribed.has(`lead${counter}@customer.example`)).toBe(true);
      });

      it("unsubscribes on the confirmation form's POST", async () => {
        const response = await get(`/t/unsubscribe/${tokens.unsubscribe}`, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: "confirm=yes",
        });
        expect(response.status).toBe(200);
        expect(engineState.unsubscribed.get(`lead${counter}@customer.example`)).toMatchObject({
          oneClick: false,
        });
      });

      it("refuses a POST without either body, and bad tokens, changing nothing", async () => {
        const empty = await get(`/t/unsubscribe/${tokens.unsubscribe}`, { method: "POST" });
        expect(empty.status).toBe(400);
        const junk = await get(`/t/unsubscribe/${tokens.unsubscribe}`, {
          method: "POST",
          headers: { "content-type": "multipart/form-data; boundary=x" },
          body: "not multipart",
        });
        expect(junk.status).toBe(400);
        const wrongKind = await get(`/t/unsubscribe/${tokens.open}`, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: "List-Unsubscribe=One-Click",
        });
        expect(wrongKind.status).toBe(404);
        expect(engineState.unsubscribed.has(`lead${counter}@customer.example`)).toBe(false);
      });
    });

    describe("inbound", () => {
      const post = (body: BodyInit, headers: Record<string, string> = {}) =>
        get(`/t/inbound`, {
          method: "POST",
          headers: {
            "content-type": "message/rfc822",
            authorization: `Bearer ${INBOUND_SECRET}`,
            ...headers,
          },
          body,
        });

      it.each([
        ["gmail-reply.eml", "reply", true],
        ["outlook-reply.eml", "reply", false],
        ["exchange-out-of-office.eml", "auto_reply", false],
        ["postfix-dsn-5.1.1.eml", "bounce", false],
        ["mailbox-full-4.2.2.eml", "delay", false],
        ["yahoo-arf-complaint.eml", "complaint", false],
        ["exchange-online-ndr-5.1.10.eml", "bounce", false],
        ["reply-no-match.eml", "reply", false],
      ])("classifies %s as %s (matched: %s)", async (name, kind, matched) => {
        const response = await post(fixture(name));
        expect(response.status).toBe(200);
        expect(response.headers.get("content-type")).toBe("application/json; charset=utf-8");
        expect(await response.json()).toEqual({ kind, matched });
      });

      it("takes the raw message from SendGrid, Mailgun and Postmark webhook bodies", async () => {
        const raw = fixture("gmail-reply.eml").toString("latin1");
        const sendgrid = new FormData();
        sendgrid.set("to", "reply@in.sender.example");
        sendgrid.set("email", raw);
        const mailgun = new FormData();
        mailgun.set("body-mime", new Blob([fixture("postfix-dsn-5.1.1.eml")]), "message.mime");
        const bodies: [BodyInit, Record<string, string>, unknown][] = [
          [sendgrid, {}, { kind: "reply", matched: true }],
          [mailgun, {}, { kind: "bounce", matched: false }],
          [
            JSON.stringify({ From: "x", RawEmail: raw }),
            { "content-type": "application/json" },
            { kind: "reply", matched: true },
          ],
        ];
        for (const [body, headers, expected] of bodies) {
          const response = await fetch(`${server.baseUrl}/t/inbound`, {
            method: "POST",
            headers: { authorization: `Bearer ${INBOUND_SECRET}`, ...headers },
            body,
          });
          expect(response.status).toBe(200);
          expect(await response.json()).toEqual(expected);
        }
        const noMessage = new FormData();
        noMessage.set("text", "hello");
        const missing = await fetch(`${server.baseUrl}/t/inbound`, {
          method: "POST",
          headers: { authorization: `Bearer ${INBOUND_SECRET}` },
          body: noMessage,
        });
        expect(missing.status).toBe(400);
      });

      it("accepts the secret as Basic password or query parameter, and refuses a wrong one", async () => {
        const basic = await post("Subject: hi\r\n\r\nhello", {
          authorization: `Basic ${btoa(`provider:${INBOUND_SECRET}`)}`,
        });
        expect(basic.status).toBe(200);
        const query = await fetch(`${server.baseUrl}/t/inbound?secret=${INBOUND_SECRET}`, {
          method: "POST",
          body: "Subject: hi\r\n\r\nhello",
        });
        expect(query.status).toBe(200);
        const wrong = await post("Subject: hi\r\n\r\nhello", { authorization: "Bearer nope" });
        expect(wrong.status).toBe(401);
        const none = await fetch(`${server.baseUrl}/t/inbound`, { method: "POST", body: "x" });
        expect(none.status).toBe(401);
      });

      it("refuses bodies over the limit with 413 and empty ones with 400", async () => {
        expect((await post("x".repeat(64 * 1024 + 1))).status).toBe(413);
        expect((await post("")).status).toBe(400);
      });
    });

    describe("routing", () => {
      it("answers unknown paths 404 and wrong methods 405 with Allow", async () => {
        for (const path of [
          "/",
          "/t",
          "/t/",
          "/open/x",
          "/t/open",
          "/t/open/a/b",
          "/t/unknown/x",
          "/tx/open/a",
        ]) {
          expect((await get(path)).status, path).toBe(404);
        }
        const put = await get(`/t/open/${tokens.open}`, { method: "PUT", body: "x" });
        expect(put.status).toBe(405);
        expect(put.headers.get("allow")).toBe("GET, HEAD");
        const getInbound = await get("/t/inbound");
        expect(getInbound.status).toBe(405);
        expect(getInbound.headers.get("allow")).toBe("POST");
      });
    });
  });
}

/** Handlers whose inbound route was not given a secret: the route is off. */
export function inboundOffHandlers(): TrackingHandlers {
  const state = memoryTrackingEngine({ secrets: [SECRET], now: () => new Date(0) });
  return createTrackingHandlers(state.engine, { onError: () => {} });
}
