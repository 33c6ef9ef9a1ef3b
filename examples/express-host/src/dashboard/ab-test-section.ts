import type { AbComparison, AbVerdict, CampaignAbTest, StepAbTest } from "@cadenza/core";
import { count, percent, points, pValue } from "./number-format.js";
import { html, type SafeHtml } from "./safe-html.js";

const METRIC_LABELS = { replies: "Reply rate", opens: "Open rate", clicks: "Click rate" } as const;

/** What a verdict says, in words a reader can act on. */
export function verdictText(verdict: AbVerdict): string {
  switch (verdict) {
    case "A":
      return "A wins";
    case "B":
      return "B wins";
    case "undecided":
      return "No significant difference";
    case "insufficient_sample":
      return "Not enough data yet";
  }
}

/** A confidence level as people write it: `95%`, `99.5%`. */
const confidenceText = (confidence: number) => `${Number((confidence * 100).toFixed(2))}%`;

function comparisonRow(c: AbComparison): SafeHtml {
  const { lower, upper } = c.confidenceInterval;
  const kind = c.verdict === "A" || c.verdict === "B" ? "win" : c.verdict;
  return html`<tr data-ab-metric="${c.metric}"><th scope="row">${METRIC_LABELS[c.metric]}</th>
<td class="num" data-ab="rateA">${percent(c.rateA)} <span class="muted small">(${count(c.successesA)} / ${count(c.trialsA)})</span></td>
<td class="num" data-ab="rateB">${percent(c.rateB)} <span class="muted small">(${count(c.successesB)} / ${count(c.trialsB)})</span></td>
<td class="num" data-ab="difference">${points(c.difference)}</td>
<td class="num" data-ab="interval"><span data-ab="lower">${points(lower)}</span> to <span data-ab="upper">${points(upper)}</span></td>
<td class="num" data-ab="pValue">${pValue(c.pValue)}</td>
<td data-ab="verdict" data-verdict="${c.verdict}"><span class="verdict ${kind}">${verdictText(c.verdict)}</span></td></tr>`;
}

function stepTest(step: StepAbTest, confidence: number): SafeHtml {
  return html`<section class="ab-step" data-step="${step.stepNumber}">
<h3>Step ${step.stepNumber} <span class="muted small">— sent A ${count(step.sent.A)}, B ${count(step.sent.B)}; delivered A ${count(step.delivered.A)}, B ${count(step.delivered.B)}</span></h3>
<div class="scroll"><table>
<thead><tr><th scope="col">Measure</th><th scope="col" class="num">A</th><th scope="col" class="num">B</th>
<th scope="col" class="num">B − A</th><th scope="col" class="num">${confidenceText(confidence)} interval</th>
<th scope="col" class="num">p-value</th><th scope="col">Verdict</th></tr></thead>
<tbody>${comparisonRow(step.replies)}${comparisonRow(step.opens)}${comparisonRow(step.clicks)}</tbody></table></div></section>`;
}

/**
 * The A/B test per step as `abTest` has it: for replies, opens and clicks, each variant's rate over
 * delivered emails, the difference with its interval, the p-value and the verdict. Sections carry
 * `data-step`, rows `data-ab-metric`, cells `data-ab` naming the field.
 */
export function abTestSection(test: CampaignAbTest, abTestingEnabled = true): SafeHtml {
  const rules = html`<p class="muted small">Two-proportion z-test of B against A per step, at
<data value="${String(test.confidence)}">${confidenceText(test.confidence)}</data> confidence. A verdict needs ${count(test.minSample)} delivered emails per variant and
${count(test.minExpectedSuccesses)} expected successes; before that, read nothing into the numbers. Decide
the measure and the sample before looking, and prefer replies: opens undercount Apple Mail readers.</p>`;
  if (test.steps.length === 0) {
    const why = abTestingEnabled
      ? "No step has sent both variants yet."
      : "A/B testing is off for this campaign.";
    return html`${rules}<p class="panel" id="ab-none">${why}</p>`;
  }
  return html`${rules}${test.steps.map((step) => stepTest(step, test.confidence))}`;
}
