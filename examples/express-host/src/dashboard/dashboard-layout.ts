import { createHash } from "node:crypto";
import { html, SafeHtml } from "./safe-html.js";

/** The pages' one style sheet, inline so the dashboard loads nothing from anywhere. */
const STYLE = `
:root{--ink:#1d2330;--muted:#5c6573;--line:#e3e6ea;--panel:#fff;--bg:#f6f7f9;--sent:#5b6b8c;--opens:#0b57d0;--clicks:#c25400;--replies:#137333}
*{box-sizing:border-box}
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:var(--ink);background:var(--bg)}
header{background:var(--ink);color:#fff;padding:.7rem 1.5rem;display:flex;gap:1.5rem;align-items:baseline;flex-wrap:wrap}
header a{color:#fff;text-decoration:none;font-weight:600}header .clock{margin-left:auto;color:#c9ced8;font-size:.85rem}
main{max-width:84rem;margin:1.5rem auto 3rem;padding:0 1.5rem}
h1{margin:.2rem 0 .4rem;font-size:1.6rem}h2{margin:2rem 0 .6rem;font-size:1.15rem}h3{margin:1.2rem 0 .4rem;font-size:1rem}
a{color:#0b57d0}
.muted{color:var(--muted)}.small{font-size:.85rem}
.badge{display:inline-block;padding:.05rem .55rem;border-radius:1rem;font-size:.8rem;font-weight:600;vertical-align:middle;background:#e3e6ea;color:var(--ink)}
.badge.active{background:#d5f0dc;color:#0d5a26}.badge.paused{background:#fbe7c6;color:#7a4a00}
.facts{display:flex;flex-wrap:wrap;gap:.4rem 1.6rem;margin:.6rem 0 0;padding:0;list-style:none}.facts b{font-variant-numeric:tabular-nums}
figure{margin:0}.panel{background:var(--panel);border:1px solid var(--line);border-radius:6px;padding:1rem}
.scroll{overflow-x:auto;background:var(--panel);border:1px solid var(--line);border-radius:6px}
table{width:100%;border-collapse:collapse;background:var(--panel)}
th,td{text-align:left;padding:.4rem .5rem;border-bottom:1px solid var(--line);white-space:nowrap}
caption{caption-side:bottom;text-align:left;padding:.5rem .6rem}
thead th{font-size:.72rem;text-transform:uppercase;letter-spacing:.02em;color:var(--muted);vertical-align:bottom;white-space:normal;line-height:1.25}
thead tr.group th{border-bottom:0;padding-bottom:0}th.group-label{text-align:center;border-bottom:2px solid #cfd4dc}
table.compact td,table.compact th{padding:.4rem .4rem;font-size:.9rem}table.compact thead th{font-size:.7rem}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
th.rate,td.rate{background:#fafbfc}
tr.step-total td,tr.step-total th{font-weight:600;background:#f3f5f8}tr.campaign-total td,tr.campaign-total th{font-weight:700;background:#eceff4;border-top:2px solid #cfd4dc}
tbody tr.step-start td{border-top:2px solid #cfd4dc}
.verdict{font-weight:600}.verdict.win{color:#0d5a26}.verdict.undecided{color:#7a4a00}.verdict.insufficient_sample{color:var(--muted)}
.chart{display:block;width:100%;height:auto;min-width:40rem}#time-series{overflow-x:auto}
.chart .axis{stroke:#8a93a3;stroke-width:1}.chart .grid{stroke:#eceff3;stroke-width:1}
.chart text{font:12px system-ui,sans-serif;fill:#5c6573;stroke:none}.chart .legend text{fill:var(--ink);font-size:13px}
.chart .line{fill:none;stroke-width:2}
.series-sent{stroke:var(--sent);fill:var(--sent)}.series-opens{stroke:var(--opens);fill:var(--opens)}
.series-clicks{stroke:var(--clicks);fill:var(--clicks)}.series-replies{stroke:var(--replies);fill:var(--replies)}
.chart .line.series-sent,.chart .line.series-opens,.chart .line.series-clicks,.chart .line.series-replies{fill:none}
.bar{display:block}.bar-track{fill:#eceff3}.bar-reached{fill:#8fa6d6}.bar-replied{fill:var(--replies)}
details{margin-top:.6rem}summary{cursor:pointer;color:var(--muted)}
code{background:#eceff3;padding:.05rem .3rem;border-radius:3px;font-size:.9em}
`;

// The sheet is ours and holds no `<`, so it goes into the page verbatim; the policy allows it by hash.
const STYLE_HASH = createHash("sha256").update(STYLE).digest("base64");

/**
 * The dashboard's policy: nothing loads from anywhere — no scripts, images, fonts, frames or forms —
 * and the only styles are the page's own style sheet, allowed by its hash (so an injected `style`
 * attribute or element would not apply either). Charts are inline SVG, which needs nothing more.
 */
export const DASHBOARD_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${STYLE_HASH}'`,
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

/** Headers every dashboard answer carries: the policy, and no caching or referrers of management data. */
export const DASHBOARD_HEADERS: Record<string, string> = {
  "Content-Security-Policy": DASHBOARD_CSP,
  "Cache-Control": "no-store",
  "Referrer-Policy": "no-referrer",
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
};

/** A whole page: the header bar (with the engine's clock, when given) around `body`; `head` adds to the head. */
export function dashboardPage(
  title: string,
  body: SafeHtml,
  options: { now?: Date; head?: SafeHtml } = {},
): string {
  const clock = options.now
    ? html`<span class="clock">as of <time datetime="${options.now.toISOString()}">${options.now
        .toISOString()
        .replace("T", " ")
        .slice(0, 16)} UTC</time></span>`
    : "";
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">${options.head}
<title>${title} · Cadenza</title>
<style>${new SafeHtml(STYLE)}</style></head>
<body><header><a href="/dashboard">Cadenza campaigns</a>${clock}</header>
<main>${body}</main></body></html>`.markup;
}
