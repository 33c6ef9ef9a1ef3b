import { dashboardPage } from "./dashboard-layout.js";
import { html } from "./safe-html.js";

/** A page for a request the dashboard cannot answer: not found, bad input, or a failure. */
export function renderProblemPage(
  status: number,
  message: string,
  issues: { path: (string | number)[]; message: string }[] = [],
): string {
  const title = status === 404 ? "Not found" : status < 500 ? "Bad request" : "Something went wrong";
  const list =
    issues.length === 0
      ? ""
      : html`<ul class="issues">${issues.map((i) => html`<li><code>${i.path.join(".") || "(query)"}</code>: ${i.message}</li>`)}</ul>`;
  return dashboardPage(
    title,
    html`<h1>${title}</h1><div class="panel">${issues.length === 0 ? message : "Check the address:"}${list}</div>
<p><a href="/dashboard">← All campaigns</a></p>`,
  );
}
