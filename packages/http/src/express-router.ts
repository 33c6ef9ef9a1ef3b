import type { IncomingMessage, ServerResponse } from "node:http";
import { type NodeAdapterOptions, serveNode, type WebHandler } from "./node-handler.js";
import { servePlainNode } from "./node-plain-path.js";
import { plainPathname } from "./node-request.js";
import { plainServeOf } from "./plain-http.js";

/** The members of an Express 5 request this adapter reads (so Express's types are not needed). */
export interface ExpressRequestLike extends IncomingMessage {
  originalUrl?: string;
  body?: unknown;
  ip?: string;
}

/**
 * Mounts tracking handlers in an Express 5 app. Paths are matched on `req.originalUrl`, so mount it
 * without a path and give the handlers their `basePath`; other paths go on to `next()`. Mount it
 * before body parsers, or use `express.raw()` for the inbound route.
 *
 * ```ts
 * const tracking = createTrackingHandlers(engine, { basePath: "/t" });
 * app.use(expressRouter(tracking));
 * // on shutdown: server.close(), then `await tracking.flush()`, then close the store
 * ```
 *
 * Opens and clicks are answered before their write finishes: await the handlers' `flush()` on
 * shutdown, after the server stopped taking requests.
 */
export function expressRouter(
  handler: WebHandler & { matches(pathname: string): boolean },
  options: NodeAdapterOptions = {},
): (req: ExpressRequestLike, res: ServerResponse, next: (error?: unknown) => void) => void {
  const plain = plainServeOf(handler);
  return (req, res, next) => {
    const url = req.originalUrl ?? req.url ?? "/";
    let pathname = plainPathname(url);
    if (pathname === null) {
      try {
        pathname = new URL(url, "http://localhost").pathname;
      } catch {
        next();
        return;
      }
    }
    if (!handler.matches(pathname)) {
      next();
      return;
    }
    if (plain && servePlainNode(plain, req, res, options, url)) return;
    void serveNode(handler, req, res, options, req.body, url);
  };
}
