import type { Cadenza } from "@cadenza/core";
import { cadenzaTrackingEngine, createTrackingHandlers, expressRouter, serveNode } from "@cadenza/http";
import { Router } from "express";
import { TRACKING_PATH } from "../config/create-engine.js";

/**
 * The public routes, served by `@cadenza/http`:
 * - `GET /api/track/open/:token`, `GET /api/track/click/:token` (the handlers' own paths under
 *   `basePath`, which the engine's links use);
 * - `GET|POST /api/unsubscribe/:token` and `POST /api/webhooks/inbound`, the host's public paths for
 *   the handlers' `/unsubscribe/:token` and `/inbound`, passed on with their path rewritten.
 *
 * Mount it before any body parser: the handlers read the raw request body themselves. Opens and
 * clicks are answered before their write finishes: call `flush()` on shutdown, once the server
 * stopped taking requests and before the store closes.
 */
export function trackingRoutes(
  cadenza: Cadenza,
  options: { inboundSecret: string; trustProxy?: boolean },
): { router: Router; flush(): Promise<void> } {
  const handlers = createTrackingHandlers(cadenzaTrackingEngine(cadenza), {
    basePath: TRACKING_PATH,
    inboundSecret: options.inboundSecret,
  });
  const adapter = { trustProxy: options.trustProxy ?? false };
  const router = Router();
  router.use(expressRouter(handlers, adapter));
  const queryOf = (url: string) => (url.includes("?") ? url.slice(url.indexOf("?")) : "");
  router.all("/api/unsubscribe/:token", (req, res) => {
    const query = queryOf(req.originalUrl);
    void serveNode(
      handlers,
      req,
      res,
      adapter,
      undefined,
      `${TRACKING_PATH}/unsubscribe/${encodeURIComponent(req.params.token)}${query}`,
    );
  });
  router.all("/api/webhooks/inbound", (req, res) => {
    const query = queryOf(req.originalUrl);
    void serveNode(handlers, req, res, adapter, undefined, `${TRACKING_PATH}/inbound${query}`);
  });
  return { router, flush: () => handlers.flush() };
}
