import type { IncomingMessage } from "node:http";
import type { NodeAdapterOptions } from "./node-handler.js";
import { BodyTooLargeError } from "./read-body.js";

const DEFAULT_MAX_BODY_BYTES = 25 * 1024 * 1024;

// Paths made of letters, digits, `_`, `-` and `/` (not starting `//`) are their own URL pathname:
// nothing to decode, no dot segments, no backslashes. Anything else takes the URL parser's way.
const PLAIN_PATH = /^\/(?!\/)[\w\-/]*$/;

/** The pathname of a request target when it is a plain path (any query dropped), else null. */
export function plainPathname(url: string | undefined): string | null {
  if (url === undefined) return null;
  const query = url.indexOf("?");
  const path = query === -1 ? url : url.slice(0, query);
  return PLAIN_PATH.test(path) ? path : null;
}

/** The client address: the first `X-Forwarded-For` hop when trusted, else the socket's. */
export function clientAddress(req: IncomingMessage, options: NodeAdapterOptions): string | null {
  const forwarded = options.trustProxy
    ? headerValue(req.headers["x-forwarded-for"])?.split(",")[0]?.trim()
    : undefined;
  return forwarded || req.socket?.remoteAddress || null;
}

/** The origin a request's URL is resolved against: its scheme and `Host`, or `localhost`. */
function originOf(req: IncomingMessage, options: NodeAdapterOptions): string {
  const forwardedProto = options.trustProxy ? headerValue(req.headers["x-forwarded-proto"]) : undefined;
  const scheme =
    forwardedProto === "https" || (req.socket as { encrypted?: boolean } | undefined)?.encrypted
      ? "https"
      : "http";
  const host = headerValue(req.headers.host);
  return host && /^[A-Za-z0-9.\-:[\]]+$/.test(host) ? `${scheme}://${host}` : `${scheme}://localhost`;
}

// Whether an origin survives the URL parser unchanged, by origin; bounded, as `Host` is the client's.
const usableOrigins = new Map<string, boolean>();
const MAX_ORIGINS = 256;

/**
 * True when `toWebRequest` would accept a plain path under the request's origin: the URL parser
 * reads `Host` back as written (a host it rewrites, such as `Example.com` or `a.example:80`, or one
 * it refuses, is answered 400 by `serveNode`).
 */
export function hasUsableOrigin(req: IncomingMessage, options: NodeAdapterOptions): boolean {
  const origin = originOf(req, options);
  let usable = usableOrigins.get(origin);
  if (usable === undefined) {
    try {
      usable = new URL("/", origin).href.startsWith(origin);
    } catch {
      usable = false;
    }
    if (usableOrigins.size >= MAX_ORIGINS) usableOrigins.clear();
    usableOrigins.set(origin, usable);
  }
  return usable;
}

/** The web `Request` of a node request; `"too_large"` when its declared length is over the limit. */
export function toWebRequest(
  req: IncomingMessage,
  options: NodeAdapterOptions,
  parsedBody: unknown,
  path: string | undefined,
): Request | "too_large" {
  const method = (req.method ?? "GET").toUpperCase();
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const origin = originOf(req, options);
  const url = new URL(path ?? "/", origin);
  if (!url.href.startsWith(origin)) throw new Error("request target is not a path");
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    for (const v of [value ?? []].flat()) headers.append(name, v);
  }
  const init: RequestInit & { duplex?: "half" } = { method, headers };
  if (method !== "GET" && method !== "HEAD") {
    const declared = Number(headerValue(req.headers["content-length"]) ?? "");
    if (Number.isFinite(declared) && declared > limit) return "too_large";
    init.body = parsedBody === undefined ? limitedStream(req, limit) : bodyFromParsed(parsedBody, headers);
    init.duplex = "half";
  }
  return new Request(url, init);
}

/** The request body as a web stream that errors with `BodyTooLargeError` past `limit` bytes. */
function limitedStream(req: IncomingMessage, limit: number): ReadableStream<Uint8Array> {
  let size = 0;
  const iterator = req[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = (await iterator.next()) as IteratorResult<Buffer>;
      if (done) return controller.close();
      size += value.byteLength;
      if (size > limit) {
        controller.error(new BodyTooLargeError());
        req.resume();
        return;
      }
      controller.enqueue(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
    },
    async cancel() {
      req.resume();
    },
  });
}

/** A body some middleware already read (Express body parsers), turned back into bytes. */
function bodyFromParsed(body: unknown, headers: Headers): BodyInit {
  if (typeof body === "string") return body;
  if (body instanceof Uint8Array) return new Uint8Array(body);
  const form = new URLSearchParams();
  if (body && typeof body === "object") {
    for (const [key, value] of Object.entries(body)) if (typeof value === "string") form.append(key, value);
  }
  headers.set("content-type", "application/x-www-form-urlencoded");
  headers.delete("content-length");
  return form.toString();
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** A header as `Headers.get` reads it: values joined, HTTP whitespace trimmed. */
export function headerText(value: string | string[] | undefined): string | null {
  if (value === undefined) return null;
  const text = Array.isArray(value) ? value.join(", ") : value;
  return HTTP_WHITESPACE.test(text) ? text.replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, "") : text;
}

const HTTP_WHITESPACE = /^[\t\n\r ]|[\t\n\r ]$/;
