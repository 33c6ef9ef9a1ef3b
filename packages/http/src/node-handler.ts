import type { IncomingMessage, ServerResponse } from "node:http";
import { BodyTooLargeError } from "./read-body.js";
import type { RequestContext } from "./tracking-handlers.js";

/** Anything with the `fetch` of `createTrackingHandlers`. */
export interface WebHandler {
  fetch(request: Request, context?: RequestContext): Promise<Response>;
}

/** Options of `toNodeHandler` and `expressRouter`. */
export interface NodeAdapterOptions {
  /** Largest request body passed on, in bytes (default 25 MiB); the handler has its own, lower limits. */
  maxBodyBytes?: number;
  /** Take the client address and scheme from `X-Forwarded-For` / `X-Forwarded-Proto` (behind a proxy). */
  trustProxy?: boolean;
}

const DEFAULT_MAX_BODY_BYTES = 25 * 1024 * 1024;

/**
 * Serves a web-standard handler from `node:http` (or anything with its request and response).
 *
 * ```ts
 * import { createServer } from "node:http";
 * const tracking = createTrackingHandlers(engine);
 * const server = createServer(toNodeHandler(tracking)).listen(8080);
 * process.once("SIGTERM", () => server.close(() => tracking.flush().then(() => process.exit(0))));
 * ```
 *
 * Opens and clicks are answered before their write finishes: on shutdown, stop the server, then
 * await the handlers' `flush()` before closing the store.
 */
export function toNodeHandler(
  handler: WebHandler,
  options: NodeAdapterOptions = {},
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    void serveNode(handler, req, res, options, undefined);
  };
}

/** Builds the web `Request`, calls the handler and writes its `Response`; never rejects. */
export async function serveNode(
  handler: WebHandler,
  req: IncomingMessage,
  res: ServerResponse,
  options: NodeAdapterOptions,
  parsedBody: unknown,
  url: string | undefined = req.url,
): Promise<void> {
  try {
    const request = toWebRequest(req, options, parsedBody, url);
    if (request === "too_large")
      return writeResponse(res, new Response("Payload Too Large", { status: 413 }), req);
    const forwarded = options.trustProxy
      ? headerValue(req.headers["x-forwarded-for"])?.split(",")[0]?.trim()
      : undefined;
    const response = await handler.fetch(request, { ip: forwarded || req.socket?.remoteAddress || null });
    await writeResponse(res, response, req);
  } catch {
    // A request that cannot even be turned into a web Request (bad URL, bad header) is the client's.
    if (!res.headersSent)
      await writeResponse(res, new Response("Bad Request", { status: 400 }), req).catch(() => {});
    else res.destroy();
  }
}

function toWebRequest(
  req: IncomingMessage,
  options: NodeAdapterOptions,
  parsedBody: unknown,
  path: string | undefined,
): Request | "too_large" {
  const method = (req.method ?? "GET").toUpperCase();
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const forwardedProto = options.trustProxy ? headerValue(req.headers["x-forwarded-proto"]) : undefined;
  const scheme =
    forwardedProto === "https" || (req.socket as { encrypted?: boolean } | undefined)?.encrypted
      ? "https"
      : "http";
  const host = headerValue(req.headers.host);
  const origin = host && /^[A-Za-z0-9.\-:[\]]+$/.test(host) ? `${scheme}://${host}` : `${scheme}://localhost`;
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

async function writeResponse(res: ServerResponse, response: Response, req: IncomingMessage): Promise<void> {
  res.statusCode = response.status;
  response.headers.forEach((value, name) => {
    res.setHeader(name, value);
  });
  if (req.method?.toUpperCase() === "HEAD" || response.body === null) {
    await response.body?.cancel();
    res.end();
    return;
  }
  const bytes = new Uint8Array(await response.arrayBuffer());
  res.setHeader("content-length", String(bytes.byteLength));
  res.end(bytes);
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
