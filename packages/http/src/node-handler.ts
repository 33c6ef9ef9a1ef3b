import type { IncomingMessage, ServerResponse } from "node:http";
import { servePlainNode } from "./node-plain-path.js";
import { clientAddress, toWebRequest } from "./node-request.js";
import { answerBadRequest, writeResponse } from "./node-response.js";
import { plainServeOf } from "./plain-http.js";
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
 *
 * Handlers made by `createTrackingHandlers` answer GET and HEAD without building web `Request` and
 * `Response` objects (the same status, headers and body); other requests, and other handlers, go
 * through `fetch`.
 */
export function toNodeHandler(
  handler: WebHandler,
  options: NodeAdapterOptions = {},
): (req: IncomingMessage, res: ServerResponse) => void {
  const plain = plainServeOf(handler);
  return (req, res) => {
    if (plain && servePlainNode(plain, req, res, options, req.url)) return;
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
    const response = await handler.fetch(request, { ip: clientAddress(req, options) });
    await writeResponse(res, response, req);
  } catch {
    await answerBadRequest(req, res);
  }
}
