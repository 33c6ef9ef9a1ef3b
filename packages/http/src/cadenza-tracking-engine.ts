import type { Cadenza } from "@cadenza/core";
import type { TrackingEngine, TrackingRequestInfo } from "./tracking-engine.js";

/**
 * The tracking engine of a Cadenza instance: what `createTrackingHandlers` calls. Opens and clicks
 * are queued (`cadenza.tracking.queueOpen/queueClick`), so the handlers answer before the write; call
 * the handlers' `flush()` on shutdown.
 *
 * ```ts
 * const handlers = createTrackingHandlers(cadenzaTrackingEngine(cadenza), { basePath: "/t", inboundSecret });
 * app.use(expressRouter(handlers));
 * ```
 */
export function cadenzaTrackingEngine(cadenza: Pick<Cadenza, "tracking" | "inbound">): TrackingEngine {
  const requestOf = (token: string, request: TrackingRequestInfo) => ({
    token,
    method: request.method,
    userAgent: request.userAgent,
    ip: request.ip,
  });
  return {
    async recordOpen(token, request) {
      await cadenza.tracking.open(requestOf(token, request));
    },
    async recordClick(token, request) {
      const { url } = await cadenza.tracking.click(requestOf(token, request));
      return url;
    },
    // What the core queues is handed on as it is: one promise per request, not two.
    queueOpen: (token, request) => cadenza.tracking.queueOpen(requestOf(token, request)),
    queueClick: (token, request) =>
      cadenza.tracking
        .queueClick(requestOf(token, request))
        .then(({ url, written }) => ({ link: url, written })),
    unsubscribe: (token) => cadenza.tracking.unsubscribe(token),
    receiveInbound: (message) => cadenza.inbound.receive(message),
  };
}
