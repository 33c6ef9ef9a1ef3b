import express, { Router } from "express";
import type { HostEngine } from "../config/create-engine.js";
import { dashboardRoutes } from "../dashboard/dashboard-routes.js";
import { errorHandler, HttpError } from "../http/api-error.js";
import { requireApiKey } from "../http/require-api-key.js";
import { mailCatcherRoutes } from "../mail-catcher/mail-catcher-routes.js";
import { campaignRoutes } from "../routes/campaign-routes.js";
import { devRoutes } from "../routes/dev-routes.js";
import { leadRoutes } from "../routes/lead-routes.js";
import { mailboxRoutes } from "../routes/mailbox-routes.js";
import { prospectRoutes } from "../routes/prospect-routes.js";
import { suppressionRoutes } from "../routes/suppression-routes.js";
import { trackingRoutes } from "../routes/tracking-routes.js";

/** What the app needs besides the engine. */
export interface AppOptions {
  apiKey: string;
  inboundSecret: string;
  /** Public base URL, for the links `/api/info` reports. */
  publicUrl: string;
  /** How the dispatcher runs, for `/api/info`. */
  dispatch: "in-process" | "worker" | "manual";
  trustProxy?: boolean;
  onServerError?: (error: unknown) => void;
}

/**
 * The Express app: public tracking routes first (they read raw bodies), the mail catcher's pages in
 * development, then the management API behind the bearer key, then JSON errors for everything.
 * `flushTracking()` waits for the writes of answered opens and clicks (call it on shutdown).
 */
export function createApp(
  engine: HostEngine,
  options: AppOptions,
): { app: express.Express; flushTracking(): Promise<void> } {
  const { cadenza } = engine;
  const app = express();
  app.disable("x-powered-by");
  if (options.trustProxy) app.set("trust proxy", true);

  const tracking = trackingRoutes(cadenza, {
    inboundSecret: options.inboundSecret,
    trustProxy: options.trustProxy,
  });
  app.use(tracking.router);
  if (engine.transport.catcher) app.use(mailCatcherRoutes(engine.transport.catcher));
  app.get("/api/health", (_req, res) => {
    res.json({ ok: true });
  });

  const api = Router();
  api.use(requireApiKey(options.apiKey));
  api.use(express.json({ limit: "5mb", type: ["application/json", "application/*+json"] }));
  api.get("/info", (_req, res) => {
    res.json({
      store: engine.store.description,
      transport: engine.transport.description,
      dispatch: options.dispatch,
      simulated_clock: engine.simulatedClock !== null,
      now: cadenza.clock.now().toISOString(),
      mail_catcher_url: engine.transport.catcher ? `${options.publicUrl}/dev/mail` : null,
      dashboard_url: `${options.publicUrl}/dashboard`,
    });
  });
  api.use("/outreach/campaigns", campaignRoutes(cadenza));
  api.use("/campaigns", leadRoutes(cadenza));
  api.use("/prospects", prospectRoutes(cadenza));
  api.use("/mailboxes", mailboxRoutes(cadenza));
  api.use("/suppressions", suppressionRoutes(cadenza));
  if (engine.simulatedClock) api.use("/dev", devRoutes(cadenza, engine.simulatedClock));
  api.use((req, _res, next) => {
    next(new HttpError(404, "ROUTE_NOT_FOUND", `No route ${req.method} ${req.originalUrl.split("?")[0]}`));
  });
  app.use("/api", api);
  app.use(
    "/dashboard",
    dashboardRoutes(cadenza, { apiKey: options.apiKey, onServerError: options.onServerError }),
  );

  app.use((req, _res, next) => {
    next(new HttpError(404, "ROUTE_NOT_FOUND", `No route ${req.method} ${req.originalUrl.split("?")[0]}`));
  });
  app.use(errorHandler(options.onServerError));
  return { app, flushTracking: tracking.flush };
}
