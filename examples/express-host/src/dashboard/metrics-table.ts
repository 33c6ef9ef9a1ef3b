import type { CampaignMetrics, MetricCounts, MetricRates, Metrics } from "@cadenza/core";
import { count, percent } from "./number-format.js";
import { html, type SafeHtml } from "./safe-html.js";

/** The counts the table shows, in order, with their column headings. */
export const COUNT_COLUMNS = [
  ["sent", "Sent", "Emails that left or may have left"],
  ["delivered", "Delivered", "Sent less bounces"],
  ["opens", "Opens", "Emails opened by a person at least once"],
  ["machineOpens", "Machine opens", "Emails fetched by a proxy, scanner or prefetch"],
  ["clicks", "Clicks", "Emails with at least one human click"],
  ["replies", "Replies", "Leads that replied to the step"],
  ["bounces", "Bounces", "Hard and soft bounces"],
  ["unsubscribes", "Unsubs.", "Unsubscribes: leads that unsubscribed from the step"],
] as const satisfies readonly (readonly [keyof MetricCounts, string, string])[];

/** The rates the table shows, with their headings and what they divide by. */
export const RATE_COLUMNS = [
  ["openRate", "Open", "Opens / delivered"],
  ["machineOpenRate", "Machine open", "Machine opens / delivered"],
  ["clickRate", "Click", "Clicks / delivered"],
  ["clickToOpenRate", "Click-to-open", "Clicks / opens"],
  ["replyRate", "Reply", "Replies / delivered"],
  ["bounceRate", "Bounce", "Bounces / sent"],
  ["unsubscribeRate", "Unsub.", "Unsubscribe rate: unsubscribes / delivered"],
] as const satisfies readonly (readonly [keyof MetricRates, string, string])[];

function cells(metrics: Metrics): SafeHtml[] {
  return [
    ...COUNT_COLUMNS.map(
      ([field]) => html`<td class="num" data-metric="${field}">${count(metrics[field])}</td>`,
    ),
    ...RATE_COLUMNS.map(
      ([field]) => html`<td class="num rate" data-rate="${field}">${percent(metrics.rates[field])}</td>`,
    ),
  ];
}

/**
 * The step × variant table: a row per variant of each step, the step's total when it has more than
 * one variant, and the campaign's total — every count and rate as `metrics` has it. Rows carry
 * `data-step` and `data-variant` (`total` for a step's sum), cells `data-metric` or `data-rate`.
 */
export function metricsTable(metrics: CampaignMetrics): SafeHtml {
  const rows = metrics.steps.flatMap((step) => {
    const variants = step.variants.map(
      (v, i) =>
        html`<tr class="${i === 0 ? "step-start" : ""}" data-step="${step.stepNumber}" data-variant="${v.variant}">
<th scope="row">${i === 0 ? `Step ${step.stepNumber}` : ""}</th><td>${v.variant}</td>${cells(v)}</tr>`,
    );
    const total =
      step.variants.length > 1
        ? [
            html`<tr class="step-total" data-step="${step.stepNumber}" data-variant="total">
<th scope="row"></th><td>A + B</td>${cells(step.total)}</tr>`,
          ]
        : [];
    return [...variants, ...total];
  });
  return html`<div class="scroll"><table id="metrics-table" class="compact">
<caption class="muted small">Counts per step and variant. Rates divide by delivered emails, except the bounce rate (by sent) and click-to-open (by opens).</caption>
<thead><tr class="group"><th colspan="2"></th><th class="num" colspan="${COUNT_COLUMNS.length}"></th><th class="rate group-label" colspan="${RATE_COLUMNS.length}">Rates</th></tr>
<tr><th scope="col">Step</th><th scope="col">Variant</th>
${COUNT_COLUMNS.map(([, label, hint]) => html`<th scope="col" class="num"><abbr title="${hint}">${label}</abbr></th>`)}
${RATE_COLUMNS.map(([, label, hint]) => html`<th scope="col" class="num rate"><abbr title="${hint}">${label}</abbr></th>`)}</tr></thead>
<tbody>${rows}
<tr class="campaign-total" data-step="all" data-variant="total"><th scope="row">Campaign</th><td></td>${cells(metrics.total)}</tr>
</tbody></table></div>`;
}
