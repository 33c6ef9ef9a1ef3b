import { type Cadenza, CadenzaError } from "@cadenza/core";
import { type ErrorRequestHandler, Router } from "express";
import { toErrorResponse } from "../http/api-error.js";
import { inApiTerms } from "../http/case-mapping.js";
import { recordId } from "../http/request-body.js";
import { renderCampaignList } from "./campaign-list-page.js";
import { renderCampaignPage } from "./campaign-page.js";
import { chartRangeChoices, type DayRange, defaultChartRange } from "./chart-range.js";
import { requireDashboardKey } from "./dashboard-auth.js";
import { DASHBOARD_HEADERS } from "./dashboard-layout.js";
import { renderProblemPage } from "./problem-page.js";

/** What the dashboard needs besides the engine. */
export interface DashboardOptions {
  /** The management API's key: the dashboard shows the same data, so it asks for the same key. */
  apiKey: string;
  onServerError?: (error: unknown) => void;
  /** Wall clock for session expiry (not the engine's clock, which may be simulated). */
  now?: () => number;
}

const queryString = (value: unknown) => (typeof value === "string" ? value : undefined);

/**
 * The dashboard under `/dashboard`: an index of campaigns and one page per campaign
 * (`/dashboard/campaigns/:id`, with `?from=YYYY-MM-DD&to=YYYY-MM-DD` to choose the chart's days),
 * server-rendered HTML under a policy that loads nothing, behind the API key (see
 * `requireDashboardKey`). The numbers come from the same engine calls as
 * `GET /api/campaigns/:id/analytics`, and the chart from `cadenza.analytics.timeSeries`.
 *
 * ```ts
 * app.use("/dashboard", dashboardRoutes(cadenza, { apiKey }));
 * ```
 */
export function dashboardRoutes(cadenza: Cadenza, options: DashboardOptions): Router {
  const router = Router();
  router.use((_req, res, next) => {
    res.set(DASHBOARD_HEADERS);
    next();
  });
  router.use(requireDashboardKey(options.apiKey, options.now ? { now: options.now } : {}));

  router.get("/", async (_req, res) => {
    const campaigns = await cadenza.campaigns.list();
    const entries = await Promise.all(
      campaigns.map(async (campaign) => ({
        campaign,
        metrics: await cadenza.analytics.metrics(campaign.id),
      })),
    );
    res.type("html").send(renderCampaignList(entries, cadenza.clock.now()));
  });

  router.get("/campaigns/:id", async (req, res) => {
    const id = recordId(req, "id", "Campaign");
    const campaign = await cadenza.campaigns.get(id);
    if (!campaign) throw new CadenzaError("NOT_FOUND", { message: `Campaign ${id} does not exist` });
    const now = cadenza.clock.now();
    const fallback = defaultChartRange(campaign, now);
    const [from, to] = [queryString(req.query.from), queryString(req.query.to)];
    const asked: DayRange | null =
      from !== undefined || to !== undefined
        ? { fromDay: from ?? fallback.fromDay, toDay: to ?? fallback.toDay }
        : null;
    const [metrics, funnel, abTest, timeSeries] = await Promise.all([
      cadenza.analytics.metrics(id),
      cadenza.analytics.funnel(id),
      cadenza.analytics.abTest(id),
      // A bad range is reported under the names of the address's parameters.
      inApiTerms(
        () => cadenza.analytics.timeSeries(id, asked ?? fallback),
        (path) => (path[0] === "range" ? [path[1] === "fromDay" ? "from" : "to"] : path),
      ),
    ]);
    const path = `${req.baseUrl}/campaigns/${encodeURIComponent(id)}`;
    const ranges = chartRangeChoices(fallback, path).map(({ label, href, range }) => ({
      label,
      href,
      current:
        range === null ? asked === null : asked?.fromDay === range.fromDay && asked.toDay === range.toDay,
    }));
    res.type("html").send(renderCampaignPage({ campaign, metrics, funnel, abTest, timeSeries, ranges, now }));
  });

  router.use((req, res) => {
    res
      .status(404)
      .type("html")
      .send(renderProblemPage(404, `There is no page ${req.originalUrl.split("?")[0]}.`));
  });
  const onError: ErrorRequestHandler = (error, _req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const { status, body } = toErrorResponse(error);
    if (status >= 500) (options.onServerError ?? console.error)(error);
    res
      .status(status)
      .type("html")
      .send(renderProblemPage(status, body.error.message, body.error.issues));
  };
  router.use(onError);
  return router;
}
