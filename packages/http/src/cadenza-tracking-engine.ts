import type { Cadenza } from "@cadenza/core";
import type { TrackingEngine } from "./tracking-engine.js";

/**
 * The tracking engine of a Cadenza instance: what `createTrackingHandlers` calls.
 *
 * ```ts
 * const handlers = createTrackingHandlers(cadenzaTrackingEngine(cadenza), { basePath: "/t", inboundSecret });
 * app.use(expressRouter(handlers));
 * ```
 */
export function cadenzaTrackingEngine(cadenza: Pick<Cadenza, "tracking" | "inbound">): TrackingEngine {
  return {
    async recordOpen(token, request) {
      await cadenza.tracking.open({
        token,
        method: request.method,
        userAgent: request.userAgent,
        ip: request.ip,
      });
    },
    async recordClick(token, request) {
      const { url } = await cadenza.tracking.click({
        token,
        method: request.method,
        userAgent: request.userAgent,
        ip: request.ip,
      });
      return url;
    },
    unsubscribe: (token) => cadenza.tracking.unsubscribe(token),
    receiveInbound: (message) => cadenza.inbound.receive(message),
  };
}
