import { createServer, type RequestListener } from "node:http";
import { type AddressInfo, connect } from "node:net";
import { CadenzaError } from "@cadenza/core";
import express from "express";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { memoryTrackingEngine } from "../test/memory-tracking-engine.js";
import { expressRouter } from "./express-router.js";
import { toNodeHandler } from "./node-handler.js";
import { createTrackingHandlers, type TrackingHandlers } from "./tracking-handlers.js";

const SECRET = "plain-path-secret-for-tracking-handlers-00";
const CHROME =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";

interface Listening {
  port: number;
  close(): Promise<void>;
}

async function listen(listener: RequestListener): Promise<Listening> {
  const server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Sends one request as raw bytes and reads the raw answer, with its `Date` line blanked. */
function rawExchange(port: number, head: string, body = ""): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("error", reject);
    socket.on("end", () =>
      resolve(
        Buffer.concat(chunks)
          .toString("latin1")
          .replace(/\r\nDate: [^\r]*/, "\r\nDate: -"),
      ),
    );
    socket.end(`${head}\r\nConnection: close\r\n\r\n${body}`, "latin1");
  });
}

/** The web path of the same handlers: a foreign handler, so the adapters cannot take the plain one. */
function webOnly(handlers: TrackingHandlers) {
  return {
    fetch: (request: Request, context?: { ip?: string | null }) => handlers.fetch(request, context),
    matches: (pathname: string) => handlers.matches(pathname),
  };
}

describe("node adapters' plain path", () => {
  const now = new Date("2026-11-20T12:00:00Z");
  const state = memoryTrackingEngine({ secrets: [SECRET], now: () => now });
  const errors: unknown[] = [];
  const handlers = createTrackingHandlers(state.engine, {
    basePath: "/t",
    inboundSecret: "inbound-secret",
    onError: (error, request) =>
      errors.push({ error, url: request.url, ua: request.headers.get("user-agent") }),
  });
  const withClientIp = createTrackingHandlers(state.engine, {
    basePath: "/t",
    clientIp: (request) => request.headers.get("cf-connecting-ip"),
    onError: () => {},
  });
  const servers: Record<string, Listening> = {};
  let tokens: Awaited<ReturnType<typeof state.send>>;

  const expressApp = (handler: Parameters<typeof expressRouter>[0]) => {
    const app = express();
    app.use(expressRouter(handler, { trustProxy: true }));
    app.use((_req, res) => {
      res.status(418).send("not tracking");
    });
    return app as unknown as RequestListener;
  };

  beforeAll(async () => {
    servers.plain = await listen(toNodeHandler(handlers, { trustProxy: true }));
    servers.web = await listen(toNodeHandler(webOnly(handlers), { trustProxy: true }));
    servers.plainExpress = await listen(expressApp(handlers));
    servers.webExpress = await listen(expressApp(webOnly(handlers)));
    servers.plainClientIp = await listen(toNodeHandler(withClientIp));
    servers.webClientIp = await listen(toNodeHandler(webOnly(withClientIp)));
    tokens = await state.send({
      id: "0192f0c4-0000-7000-8000-0000000000aa",
      messageId: "<0192f0c4-0006-7000-8000-000000000006@sender.example>",
      toEmail: "plain@customer.example",
      links: ["https://example.com/pricing?a=1&b=2", "https://example.com/ünïcode path", "ftp://x.example/"],
      sentAt: new Date(now.getTime() - 3_600_000),
    });
  });
  afterAll(async () => {
    await Promise.all(Object.values(servers).map((server) => server.close()));
  });
  beforeEach(() => {
    state.fail(null);
    errors.length = 0;
  });

  /** Requests (request line and headers) whose answers must not depend on the path taken. */
  const requests = () => {
    const host = "Host: track.example";
    const ua = `User-Agent: ${CHROME}`;
    const lines: string[] = [];
    for (const method of ["GET", "HEAD"]) {
      for (const target of [
        `/t/open/${tokens.open}`,
        `/t/open/${tokens.clicks[0]}`,
        "/t/open/short",
        `/t/open/${"A".repeat(200)}`,
        `/t/click/${tokens.clicks[0]}?url=https://evil.example/`,
        `/t/click/${tokens.clicks[1]}`,
        `/t/click/${tokens.clicks[2]}`,
        `/t/click/${tokens.open}`,
        "/t/click/garbage",
        `/t/unsubscribe/${tokens.unsubscribe}`,
        "/t/unsubscribe/bad",
        "/t/inbound",
        "/",
        "/t",
        "/t/",
        "/t/open",
        "/t/open/a/b",
        "/tx/open/a",
        "/favicon.ico",
        "//evil.example/t/open/x",
        `/t/./open/${tokens.open}`,
        `/t/x/../open/${tokens.open}`,
        `/t/%6Fpen/${tokens.open}`,
        "/t/open/%zz",
        `/t\\open\\${tokens.open}`,
        `http://evil.example/t/open/${tokens.open}`,
        `/t/open/${tokens.open}#fragment`,
      ]) {
        lines.push(`${method} ${target} HTTP/1.1\r\n${host}\r\n${ua}`);
      }
    }
    const open = `/t/open/${tokens.open}`;
    for (const header of [
      "Host: Track.Example",
      "Host: track.example:80",
      "Host: track.example:8080",
      "Host: a:b:c",
      "Host: [zz]",
      "Host: [::1]:3000",
      "Host: 1.2.3",
      "Host: 127.0.0.1",
      "Host: bad host!",
      "Host: track.example\r\nX-Forwarded-Proto: https",
      "Host: track.example:443\r\nX-Forwarded-Proto: https",
      "Host: track.example\r\nX-Forwarded-For: 17.58.0.1, 10.0.0.1",
      `Host: track.example\r\nUser-Agent:   ${CHROME}  `,
      "Host: track.example\r\nUser-Agent: caf\u00e9\u00a0",
      "Host: track.example\r\nUser-Agent: a\tb",
      "Host: track.example\r\nX-Extra: one\r\nX-Extra: two",
    ]) {
      lines.push(`GET ${open} HTTP/1.1\r\n${header}`);
    }
    lines.push(`GET ${open} HTTP/1.0\r\n${ua}`);
    for (const method of ["PUT", "DELETE", "OPTIONS", "PATCH", "get"]) {
      lines.push(`${method} ${open} HTTP/1.1\r\n${host}\r\nContent-Length: 0`);
    }
    lines.push(`OPTIONS * HTTP/1.1\r\n${host}`);
    return lines;
  };

  it("answers every request with the same bytes as the web path, over node:http and Express", async () => {
    const statuses = new Set<string>();
    for (const [plain, web] of [
      ["plain", "web"],
      ["plainExpress", "webExpress"],
    ] as const) {
      for (const head of requests()) {
        const before = state.opens.length + state.clicks.length;
        const fast = await rawExchange(servers[plain]!.port, head);
        const recorded = [...state.opens, ...state.clicks].slice(before).map((e) => e.request);
        const slow = await rawExchange(servers[web]!.port, head);
        const recordedSlow = [...state.opens, ...state.clicks]
          .slice(before + recorded.length)
          .map((e) => e.request);
        expect(fast, `${plain}: ${head}`).toBe(slow);
        statuses.add(fast.slice(9, 12));
        expect(recorded, `${plain}: ${head}`).toEqual(recordedSlow);
      }
    }
    expect([...statuses].sort()).toEqual(["200", "302", "400", "404", "405", "418"]);
  });

  it("answers the unsubscribe and inbound posts the same way (the web path serves both)", async () => {
    const unsubscribe = `POST /t/unsubscribe/${tokens.unsubscribe} HTTP/1.1\r\nHost: track.example\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 26`;
    const inbound = `POST /t/inbound HTTP/1.1\r\nHost: track.example\r\nAuthorization: Bearer nope\r\nContent-Length: 1`;
    expect(await rawExchange(servers.plain!.port, unsubscribe, "List-Unsubscribe=One-Click")).toBe(
      await rawExchange(servers.web!.port, unsubscribe, "List-Unsubscribe=One-Click"),
    );
    expect(await rawExchange(servers.plain!.port, inbound, "x")).toBe(
      await rawExchange(servers.web!.port, inbound, "x"),
    );
  });

  it("answers the same when the engine fails, and gives onError the same web Request", async () => {
    state.fail(new CadenzaError("STORE_UNAVAILABLE"));
    for (const target of [`/t/open/${tokens.open}`, `/t/click/${tokens.clicks[0]}`]) {
      const head = `GET ${target} HTTP/1.1\r\nHost: track.example\r\nUser-Agent: ${CHROME}`;
      const fast = await rawExchange(servers.plain!.port, head);
      const slow = await rawExchange(servers.web!.port, head);
      expect(fast.replace(/:\d+\//, ":PORT/")).toBe(slow.replace(/:\d+\//, ":PORT/"));
    }
    expect(errors).toHaveLength(4);
    const [openFast, openSlow, clickFast, clickSlow] = errors as { url: string; ua: string }[];
    expect(openFast).toMatchObject({ url: `http://track.example/t/open/${tokens.open}`, ua: CHROME });
    expect(openFast).toEqual(openSlow);
    expect(clickFast).toEqual(clickSlow);
  });

  it("passes the web Request to a clientIp option and records the address it gives", async () => {
    const head = `GET /t/open/${tokens.open} HTTP/1.1\r\nHost: track.example\r\nUser-Agent: ${CHROME}\r\nCF-Connecting-IP: 203.0.113.9`;
    const before = state.opens.length;
    const fast = await rawExchange(servers.plainClientIp!.port, head);
    const slow = await rawExchange(servers.webClientIp!.port, head);
    expect(fast).toBe(slow);
    expect(state.opens.slice(before).map((open) => open.request.ip)).toEqual(["203.0.113.9", "203.0.113.9"]);
  });

  it("serves tracking GET and HEAD without calling fetch, and everything else through it", async () => {
    const fetchSpy = vi.spyOn(handlers, "fetch");
    try {
      for (const method of ["GET", "HEAD"]) {
        await rawExchange(
          servers.plain!.port,
          `${method} /t/open/${tokens.open} HTTP/1.1\r\nHost: track.example`,
        );
        await rawExchange(
          servers.plain!.port,
          `${method} /t/click/${tokens.clicks[0]} HTTP/1.1\r\nHost: t.example`,
        );
      }
      expect(fetchSpy).not.toHaveBeenCalled();
      await rawExchange(servers.plain!.port, `DELETE /t/open/${tokens.open} HTTP/1.1\r\nHost: track.example`);
      await rawExchange(servers.plain!.port, `GET /t/open/%41 HTTP/1.1\r\nHost: track.example`);
      expect(fetchSpy).toHaveBeenCalledTimes(2);
      // A host the URL parser rewrites never reaches fetch: the web path refuses it, as before.
      const rewritten = await rawExchange(
        servers.plain!.port,
        "GET /t/open/x HTTP/1.1\r\nHost: Track.Example",
      );
      expect(rewritten).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
      expect(fetchSpy).toHaveBeenCalledTimes(2);
    } finally {
      fetchSpy.mockRestore();
    }
  });
});
