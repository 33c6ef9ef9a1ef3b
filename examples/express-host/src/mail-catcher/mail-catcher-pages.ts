import type { CaughtMessage } from "./mail-catcher.js";

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Escapes text for HTML content and quoted attributes: everything a message says is untrusted. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/**
 * The pages' policy: no scripts anywhere. Images may load (a message's open pixel fires when it is
 * viewed, as it would in a mail client), and the message body is shown in a sandboxed frame.
 */
export const MAIL_PAGE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src * data:; frame-src 'self'; base-uri 'none'; form-action 'none'";

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1d2330;background:#f6f7f9}
header{background:#1d2330;color:#fff;padding:.8rem 1.5rem}header a{color:#fff;text-decoration:none;font-weight:600}
main{max-width:72rem;margin:1.5rem auto;padding:0 1.5rem}
table{width:100%;border-collapse:collapse;background:#fff}th,td{text-align:left;padding:.45rem .6rem;border-bottom:1px solid #e3e6ea;vertical-align:top}
th{font-size:.8rem;text-transform:uppercase;color:#5c6573}td a{color:#0b57d0}
dl{display:grid;grid-template-columns:10rem 1fr;gap:.25rem 1rem;background:#fff;padding:1rem}dt{color:#5c6573}dd{margin:0;word-break:break-all}
iframe{width:100%;height:32rem;border:1px solid #e3e6ea;background:#fff}pre{white-space:pre-wrap;background:#fff;padding:1rem;border:1px solid #e3e6ea}
.muted{color:#5c6573}
</style></head>
<body><header><a href="/dev/mail">Caught mail</a></header><main>${body}</main></body></html>`;
}

/** The list page: newest first, each row linking to its message. */
export function renderMessageList(messages: CaughtMessage[]): string {
  if (messages.length === 0) {
    return layout(
      "Caught mail",
      `<h1>Caught mail</h1><p class="muted">Nothing yet. Messages the host sends appear here.</p>`,
    );
  }
  const rows = [...messages]
    .reverse()
    .map(
      (m) => `<tr><td>${escapeHtml(m.id)}</td><td>${escapeHtml(m.to)}</td>
<td><a href="/dev/mail/${encodeURIComponent(m.id)}">${escapeHtml(m.subject || "(no subject)")}</a></td>
<td>${escapeHtml(m.from)}</td><td class="muted">${escapeHtml(m.receivedAt.toISOString())}</td></tr>`,
    )
    .join("\n");
  return layout(
    "Caught mail",
    `<h1>Caught mail <span class="muted">(${messages.length})</span></h1>
<table><thead><tr><th>#</th><th>To</th><th>Subject</th><th>From</th><th>Received</th></tr></thead>
<tbody>${rows}</tbody></table>`,
  );
}

/** One message: its headers, its HTML in a sandboxed frame, and its text part. */
export function renderMessage(message: CaughtMessage): string {
  const headerRows = Object.entries(message.headers)
    .map(([name, value]) => `<dt>${escapeHtml(name)}</dt><dd>${escapeHtml(value)}</dd>`)
    .join("");
  // srcdoc is an attribute: the escaped HTML is decoded back into the frame's document, whose
  // sandbox (no allow-scripts, no allow-same-origin) keeps it from running code or reading this page.
  const html = message.html
    ? `<h2>HTML</h2><iframe sandbox="" referrerpolicy="no-referrer" title="Message body" srcdoc="${escapeHtml(message.html)}"></iframe>`
    : "";
  return layout(
    message.subject || "(no subject)",
    `<p><a href="/dev/mail">← all messages</a></p>
<h1>${escapeHtml(message.subject || "(no subject)")}</h1>
<dl>${headerRows}</dl>
${html}
<h2>Text</h2><pre>${escapeHtml(message.text)}</pre>`,
  );
}

/** The page for an id the catcher does not have. */
export function renderMissingMessage(id: string): string {
  return layout("Not found", `<h1>Not found</h1><p>There is no message ${escapeHtml(id)}.</p>`);
}
