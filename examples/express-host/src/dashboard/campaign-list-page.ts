import type { Campaign, CampaignMetrics } from "@cadenza/core";
import { campaignStatus } from "./campaign-page.js";
import { dashboardPage } from "./dashboard-layout.js";
import { count, percent } from "./number-format.js";
import { html } from "./safe-html.js";

/** A campaign with its totals, for the list. */
export interface CampaignListEntry {
  campaign: Campaign;
  metrics: CampaignMetrics;
}

/** The index: every campaign with its state and totals, each linking to its page. */
export function renderCampaignList(entries: CampaignListEntry[], now: Date): string {
  if (entries.length === 0) {
    return dashboardPage(
      "Campaigns",
      html`<h1>Campaigns</h1><p class="panel muted">No campaigns yet. Create one with <code>POST /api/outreach/campaigns</code>.</p>`,
      { now },
    );
  }
  const rows = entries.map(({ campaign, metrics }) => {
    const status = campaignStatus(campaign);
    return html`<tr data-campaign="${campaign.id}">
<td><a href="/dashboard/campaigns/${encodeURIComponent(campaign.id)}">${campaign.name}</a></td>
<td><span class="badge ${status.kind}">${status.label}</span></td>
<td class="num" data-metric="leads">${count(metrics.leads.total)}</td>
<td class="num" data-metric="sent">${count(metrics.total.sent)}</td>
<td class="num" data-rate="openRate">${percent(metrics.total.rates.openRate)}</td>
<td class="num" data-metric="replies">${count(metrics.total.replies)}</td>
<td class="num" data-rate="replyRate">${percent(metrics.total.rates.replyRate)}</td>
<td class="muted">${campaign.createdAt.toISOString().slice(0, 10)}</td></tr>`;
  });
  return dashboardPage(
    "Campaigns",
    html`<h1>Campaigns <span class="muted">(${entries.length})</span></h1>
<div class="scroll"><table id="campaigns"><thead><tr><th scope="col">Campaign</th><th scope="col">State</th>
<th scope="col" class="num">Leads</th><th scope="col" class="num">Sent</th><th scope="col" class="num">Open rate</th>
<th scope="col" class="num">Replies</th><th scope="col" class="num">Reply rate</th><th scope="col">Created</th></tr></thead>
<tbody>${rows}</tbody></table></div>`,
    { now },
  );
}
