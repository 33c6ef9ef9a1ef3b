import { isCadenzaError } from "@cadenza/core";
import { hasInboundSecret } from "./inbound-auth.js";
import { rawMessageOf } from "./inbound-body.js";
import { parseInboundEmail } from "./parse-inbound-email.js";
import {
  type PlainRequest,
  type PlainResponse,
  type PlainServe,
  registerPlainServe,
  toWebResponse,
} from "./plain-http.js";
import { readBody } from "./read-body.js";
import { jsonResponse, pageResponse, pixelResponse, redirectResponse } from "./responses.js";
import type { TrackingEngine, TrackingRequestInfo } from "./tracking-engine.js";

/** Options of `createTrackingHandlers`. */
export interface TrackingHandlerOptions {
  /** Path the routes live under, e.g. `/t` for `/t/open/:token` (default: the root). */
  basePath?: string;
  /** Largest inbound message accepted, in bytes (default 10 MiB). */
  maxBodyBytes?: number;
  /**
   * Secret an inbound post must carry (bearer token, Basic password or `?secret=`). Omitted: the
   * inbound route is off (404). `null`: open to anyone, for hosts that guard it themselves.
   */
  inboundSecret?: string | null;
  /** The client address, when the host knows better than the adapter (e.g. `CF-Connecting-IP`). */
  clientIp?: (request: Request) => string | null;
  /**
   * Told of every error an engine call threw, and of every queued write that failed after its
   * request was answered (default: `console.error`).
   */
  onError?: (error: unknown, request: Request) => void;
}

/** Per-request facts a runtime adapter knows and a `Request` does not. */
export interface RequestContext {
  ip?: string | null;
}

/** The tracking routes as one web-standard handler. */
export interface TrackingHandlers {
  /** Answers any request; never throws, never answers 5xx except 503 when the engine fails. */
  fetch(request: Request, context?: RequestContext): Promise<Response>;
  /** Whether a path belongs to these routes (adapters pass other paths on). */
  matches(pathname: string): boolean;
  /**
   * Resolves once every write of an answered open or click has settled, including writes queued
   * while it waits; a failed one went to `onError`. Call it on shutdown, after the server stopped
   * taking requests and before the store closes. Never rejects.
   */
  flush(): Promise<void>;
}

type Route = { name: "open" | "click" | "unsubscribe"; token: string } | { name: "inbound" };

const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;
/** Unsubscribe posts are one form field; anything bigger is not one. */
const MAX_FORM_BYTES = 16 * 1024;
/** The shape of a token; anything else is rejected without asking the engine. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{16,128}$/;

const NOT_FOUND = { title: "Not found", message: "There is nothing at this address." };
const LINK_NOT_FOUND = { title: "Link not found", message: "This link is not valid or is no longer active." };
const UNSUBSCRIBE_INVALID = {
  title: "Link not valid",
  message: "This unsubscribe link is not valid. To stop these emails, reply to one and ask to be removed.",
};
const UNAVAILABLE = { title: "Temporarily unavailable", message: "Please try again in a few minutes." };

/**
 * Creates the tracking routes over an engine: `GET|HEAD /open/:token` (a 1×1 GIF, always),
 * `GET|HEAD /click/:token` (302 to the email's own link), `GET /unsubscribe/:token` (a confirmation
 * page), `POST /unsubscribe/:token` (form or RFC 8058 one-click) and `POST /inbound` (a raw
 * message, answered with `{ kind, matched }`).
 *
 * With an engine that queues (`queueOpen`/`queueClick`, as `cadenzaTrackingEngine` does), the pixel
 * is answered once the token is verified and the open queued, and the redirect once its link is
 * known; the write finishes after the answer. Call `flush()` on shutdown so none is cut off.
 *
 * ```ts
 * const tracking = createTrackingHandlers(engine, { basePath: "/t", inboundSecret: process.env.INBOUND_SECRET });
 * http.createServer(toNodeHandler(tracking)).listen(8080);
 * ```
 */
export function createTrackingHandlers(
  engine: TrackingEngine,
  options: TrackingHandlerOptions = {},
): TrackingHandlers {
  const base = (options.basePath ?? "").replace(/\/+$/, "");
  const prefix = base === "" || base.startsWith("/") ? base : `/${base}`;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const onError = options.onError ?? ((error: unknown) => console.error("[cadenza/http]", error));

  // Writes of answered opens and clicks: kept until they settle, so `flush()` can wait for them and
  // a failure reaches `onError` instead of becoming an unhandled rejection.
  const pending = new Set<Promise<void>>();
  const keep = (written: Promise<unknown>, request: PlainRequest): void => {
    const settled: Promise<void> = written.then(
      () => {
        pending.delete(settled);
      },
      (error: unknown) => {
        pending.delete(settled);
        try {
          onError(error, request.web());
        } catch (hookError) {
          // Nobody awaits this write: a throwing hook must not make it an unhandled rejection.
          console.error("[cadenza/http]", hookError, error);
        }
      },
    );
    pending.add(settled);
  };

  const route = (pathname: string): Route | null => {
    if (!pathname.startsWith(`${prefix}/`)) return null;
    const rest = pathname.slice(prefix.length);
    if (rest === "/inbound") return { name: "inbound" };
    const match = /^\/(open|click|unsubscribe)\/([^/]+)$/.exec(rest);
    return match ? { name: match[1] as "open" | "click" | "unsubscribe", token: match[2]! } : null;
  };

  const handle = async (
    request: PlainRequest,
    found: Route,
    info: TrackingRequestInfo,
  ): Promise<PlainResponse> => {
    const method = info.method;
    switch (found.name) {
      case "open":
        if (method !== "GET" && method !== "HEAD") return notAllowed("GET, HEAD");
        if (TOKEN_SHAPE.test(found.token)) {
          try {
            if (engine.queueOpen) keep((await engine.queueOpen(found.token, info)).written, request);
            else await engine.recordOpen(found.token, info);
          } catch (error) {
            // The pixel is answered whatever happens: a broken image helps nobody.
            onError(error, request.web());
          }
        }
        return pixelResponse(method);
      case "click": {
        if (method !== "GET" && method !== "HEAD") return notAllowed("GET, HEAD");
        if (!TOKEN_SHAPE.test(found.token)) return pageResponse(404, LINK_NOT_FOUND, method);
        let stored: string | null;
        if (engine.queueClick) {
          const queued = await engine.queueClick(found.token, info);
          keep(queued.written, request);
          stored = queued.link;
        } else {
          stored = await engine.recordClick(found.token, info);
        }
        const link = safeLocation(stored);
        return link ? redirectResponse(link) : pageResponse(404, LINK_NOT_FOUND, method);
      }
      case "unsubscribe":
        if (method === "GET" || method === "HEAD") {
          if (!TOKEN_SHAPE.test(found.token)) return pageResponse(404, UNSUBSCRIBE_INVALID, method);
          return pageResponse(
            200,
            {
              title: "Unsubscribe",
              message: "Confirm below to stop receiving these emails. It takes effect at once.",
              form: { field: "confirm", value: "yes", button: "Unsubscribe" },
            },
            method,
          );
        }
        if (method !== "POST") return notAllowed("GET, HEAD, POST");
        return unsubscribe(request.web(), found.token, info);
      case "inbound":
        if (method !== "POST") return notAllowed("POST", true);
        return inbound(request.web());
    }
  };

  const unsubscribe = async (request: Request, token: string, info: TrackingRequestInfo) => {
    const body = await readBody(request, MAX_FORM_BYTES);
    if (body === "too_large")
      return pageResponse(413, { title: "Request too large", message: "Nothing was changed." });
    const intent = await unsubscribeIntent(request.headers.get("content-type"), body);
    if (!intent) {
      return pageResponse(400, { title: "Request not understood", message: "Nothing was changed." });
    }
    if (!TOKEN_SHAPE.test(token)) return pageResponse(404, UNSUBSCRIBE_INVALID);
    const done = await engine.unsubscribe(token, { ...info, oneClick: intent === "one-click" });
    if (!done) return pageResponse(404, UNSUBSCRIBE_INVALID);
    return pageResponse(200, {
      title: "You are unsubscribed",
      message: "You will not receive further emails from this sender.",
    });
  };

  const inbound = async (request: Request) => {
    if (options.inboundSecret === undefined) return pageResponse(404, NOT_FOUND);
    if (
      options.inboundSecret !== null &&
      !(await hasInboundSecret(request, new URL(request.url), options.inboundSecret))
    ) {
      return jsonResponse(401, { error: "unauthorized" }, { "WWW-Authenticate": 'Basic realm="inbound"' });
    }
    const body = await readBody(request, maxBodyBytes);
    if (body === "too_large") return jsonResponse(413, { error: "too_large" });
    const raw = await rawMessageOf(request.headers.get("content-type"), body);
    if (raw === null || raw.length === 0) return jsonResponse(400, { error: "no_message" });
    let message: Awaited<ReturnType<typeof parseInboundEmail>>;
    try {
      message = await parseInboundEmail(raw);
    } catch {
      return jsonResponse(400, { error: "unparseable" });
    }
    const outcome = await engine.receiveInbound(message);
    return jsonResponse(200, { kind: outcome.kind, matched: outcome.matched });
  };

  const serve: PlainServe = async (request) => {
    const found = route(request.pathname);
    const method = request.method;
    if (!found) return pageResponse(404, NOT_FOUND, method);
    const info: TrackingRequestInfo = {
      method: method as TrackingRequestInfo["method"],
      userAgent: request.header("user-agent"),
      ip: (options.clientIp ? options.clientIp(request.web()) : null) ?? request.ip,
    };
    try {
      return await handle(request, found, info);
    } catch (error) {
      onError(error, request.web());
      return failure(found, method, error);
    }
  };

  const handlers: TrackingHandlers = {
    matches: (pathname) => route(pathname) !== null,

    async flush() {
      while (pending.size > 0) await Promise.all(pending);
    },

    async fetch(request, context = {}) {
      let url: URL;
      try {
        url = new URL(request.url);
      } catch {
        return toWebResponse(pageResponse(404, NOT_FOUND));
      }
      const response = await serve({
        method: request.method.toUpperCase(),
        pathname: url.pathname,
        header: (name) => request.headers.get(name),
        ip: context.ip ?? null,
        web: () => request,
      });
      return toWebResponse(response);
    },
  };
  registerPlainServe(handlers, serve);
  return handlers;
}

/** Reads an unsubscribe post: RFC 8058's `List-Unsubscribe=One-Click` or the page's own form. */
async function unsubscribeIntent(
  contentType: string | null,
  body: Uint8Array,
): Promise<"one-click" | "form" | null> {
  let fields: { get(name: string): unknown };
  if (/^\s*multipart\/form-data/i.test(contentType ?? "")) {
    try {
      fields = await new Response(new Uint8Array(body), {
        headers: { "Content-Type": contentType! },
      }).formData();
    } catch {
      return null;
    }
  } else {
    fields = new URLSearchParams(new TextDecoder().decode(body));
  }
  const oneClick = fields.get("List-Unsubscribe");
  if (typeof oneClick === "string" && oneClick.trim().toLowerCase() === "one-click") return "one-click";
  return fields.get("confirm") === "yes" ? "form" : null;
}

/** The engine's link as a safe `Location`: an absolute http(s) URL, serialised by the URL parser. */
function safeLocation(link: string | null): string | null {
  if (link === null) return null;
  try {
    const url = new URL(link);
    return (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "" ? url.href : null;
  } catch {
    return null;
  }
}

function notAllowed(allow: string, json = false): PlainResponse {
  const headers = { Allow: allow };
  return json
    ? jsonResponse(405, { error: "method_not_allowed" }, headers)
    : pageResponse(
        405,
        { title: "Method not allowed", message: "This address does not accept that request." },
        "GET",
        headers,
      );
}

/** The answer when the engine failed: the open pixel regardless, else 4xx for input errors, else 503. */
function failure(found: Route, method: string, error: unknown): PlainResponse {
  if (found.name === "open") return pixelResponse(method);
  const status = isCadenzaError(error, "PAYLOAD_TOO_LARGE")
    ? 413
    : isCadenzaError(error, "VALIDATION")
      ? 400
      : isCadenzaError(error, "NOT_FOUND") || isCadenzaError(error, "INVALID_TOKEN")
        ? 404
        : 503;
  const retry: Record<string, string> = status === 503 ? { "Retry-After": "60" } : {};
  if (found.name === "inbound")
    return jsonResponse(status, { error: status === 503 ? "unavailable" : "rejected" }, retry);
  return pageResponse(status, status === 503 ? UNAVAILABLE : NOT_FOUND, method, retry);
}
