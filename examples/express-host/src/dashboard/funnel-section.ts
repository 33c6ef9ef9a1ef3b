import type { CampaignFunnel, FunnelStep } from "@cadenza/core";
import { count, percent } from "./number-format.js";
import { html, type SafeHtml } from "./safe-html.js";

const BAR_WIDTH = 240;
const BAR_HEIGHT = 14;

/** A step's bar: leads reached as a share of those enrolled, the part that replied drawn inside it. */
function funnelBar(step: FunnelStep, enrolled: number): SafeHtml {
  const width = (n: number) => (enrolled > 0 ? Math.min(1, n / enrolled) * BAR_WIDTH : 0).toFixed(1);
  const label = `Step ${step.stepNumber} reached ${step.reached} of ${enrolled} enrolled leads; ${step.replied} replied`;
  return html`<svg class="bar" width="${BAR_WIDTH}" height="${BAR_HEIGHT}" viewBox="0 0 ${BAR_WIDTH} ${BAR_HEIGHT}" role="img" aria-label="${label}">
<title>${label}</title>
<rect class="bar-track" x="0" y="0" width="${BAR_WIDTH}" height="${BAR_HEIGHT}" rx="2"></rect>
<rect class="bar-reached" x="0" y="0" width="${width(step.reached)}" height="${BAR_HEIGHT}" rx="2"></rect>
<rect class="bar-replied" x="0" y="0" width="${width(step.replied)}" height="${BAR_HEIGHT}" rx="2"></rect></svg>`;
}

/**
 * The funnel by step as `funnel` has it: leads reached, the share of the step before (of those
 * enrolled, for step 1), replies, unsubscribes and hard bounces, with a bar per step. Rows carry
 * `data-step`, cells `data-funnel` naming the field.
 */
export function funnelSection(funnel: CampaignFunnel): SafeHtml {
  const rows = funnel.steps.map(
    (step) => html`<tr data-step="${step.stepNumber}"><th scope="row">Step ${step.stepNumber}</th>
<td class="num" data-funnel="reached">${count(step.reached)}</td>
<td class="num" data-funnel="conversionFromPrevious">${percent(step.conversionFromPrevious)}</td>
<td class="num" data-funnel="replied">${count(step.replied)}</td>
<td class="num" data-funnel="replyRate">${percent(step.replyRate)}</td>
<td class="num" data-funnel="unsubscribed">${count(step.unsubscribed)}</td>
<td class="num" data-funnel="bounced">${count(step.bounced)}</td>
<td>${funnelBar(step, funnel.enrolled)}</td></tr>`,
  );
  return html`<div class="scroll"><table id="funnel">
<caption class="muted small"><span data-funnel="enrolled">${count(funnel.enrolled)}</span> leads enrolled. A lead waiting for its next step has not reached it yet.</caption>
<thead><tr><th scope="col">Step</th><th scope="col" class="num">Reached</th>
<th scope="col" class="num"><abbr title="Reached / the step before's reached (step 1: / enrolled)">Of previous</abbr></th>
<th scope="col" class="num">Replied</th><th scope="col" class="num"><abbr title="Replied / reached">Reply rate</abbr></th>
<th scope="col" class="num">Unsubscribed</th><th scope="col" class="num"><abbr title="Hard bounces">Bounced</abbr></th>
<th scope="col">Reached <span class="muted">(replied)</span> of enrolled</th></tr></thead>
<tbody>${rows}</tbody></table></div>`;
}
