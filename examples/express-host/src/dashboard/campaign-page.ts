import type {
  Campaign,
  CampaignAbTest,
  CampaignFunnel,
  CampaignMetrics,
  CampaignTimeSeries,
} from "@cadenza/core";
import { abTestSection } from "./ab-test-section.js";
import { dashboardPage } from "./dashboard-layout.js";
import { funnelSection } from "./funnel-section.js";
import { metricsTable } from "./metrics-table.js";
import { count } from "./number-format.js";
import { html } from "./safe-html.js";
import { timeSeriesChart } from "./time-series-chart.js";

/** Everything one campaign's page shows, read from the engine. */
export interface CampaignDashboard {
  campaign: Campaign;
  metrics: CampaignMetrics;
  funnel: CampaignFunnel;
  abTest: CampaignAbTest;
  timeSeries: CampaignTimeSeries;
  /** Links to other ranges of the chart, the current one first. */
  ranges: { label: string; href: string; current: boolean }[];
  /** The engine's clock when the page was read. */
  now: Date;
}

/** The badge of a campaign's state. */
export function campaignStatus(campaign: Pick<Campaign, "active">): { label: string; kind: string } {
  return campaign.active ? { label: "Active", kind: "active" } : { label: "Paused", kind: "paused" };
}

/**
 * One campaign's page: name, state and lead counts, the step × variant table, the funnel, the daily
 * chart and the A/B verdicts — each rendered from the engine's answer as it is, never recomputed.
 */
export function renderCampaignPage(page: CampaignDashboard): string {
  const { campaign, metrics } = page;
  const status = campaignStatus(campaign);
  const leadCounts = Object.entries(metrics.leads.byStatus)
    .filter(([, n]) => n > 0)
    .map(([name, n]) => html`<li data-lead-status="${name}">${name} <b>${count(n)}</b></li>`);
  const ranges = page.ranges.map((r) =>
    r.current ? html`<b>${r.label}</b>` : html`<a href="${r.href}">${r.label}</a>`,
  );
  const body = html`<p class="small"><a href="/dashboard">← All campaigns</a></p>
<h1><span id="campaign-name">${campaign.name}</span> <span class="badge ${status.kind}" id="campaign-status">${status.label}</span></h1>
${campaign.description ? html`<p class="muted">${campaign.description}</p>` : ""}
<ul class="facts">
<li>Leads <b data-lead-status="total">${count(metrics.leads.total)}</b></li>${leadCounts}
<li class="muted">${campaign.steps.length} ${campaign.steps.length === 1 ? "step" : "steps"} · ${campaign.abTestingEnabled ? "A/B testing on" : "A/B testing off"}${
    campaign.winnerVariant ? html` · winner <b>${campaign.winnerVariant}</b>` : ""
  } · time zone ${campaign.timezone} · created ${campaign.createdAt.toISOString().slice(0, 10)}</li></ul>

<h2 id="metrics">Steps and variants</h2>
${metricsTable(metrics)}

<h2 id="funnel-heading">Funnel</h2>
${funnelSection(page.funnel)}

<h2 id="daily">Daily activity</h2>
<p class="small muted">Range: ${ranges.flatMap((r, i) => (i === 0 ? [r] : [html` · `, r]))}. Sends count on the day they went out; opens, clicks and replies on the day they happened.</p>
${timeSeriesChart(page.timeSeries)}

<h2 id="ab-test">A/B test</h2>
${abTestSection(page.abTest, campaign.abTestingEnabled)}
<p class="small muted">The same numbers as <code>GET /api/campaigns/${campaign.id}/analytics</code>.</p>`;
  return dashboardPage(campaign.name, body, { now: page.now });
}
