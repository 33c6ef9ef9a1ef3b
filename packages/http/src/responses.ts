import { canonicalHeaders, type PlainResponse } from "./plain-http.js";

/** A transparent 1×1 GIF (43 bytes). */
export const PIXEL_GIF = Uint8Array.from(
  atob("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"),
  (c) => c.charCodeAt(0),
);

/** Every tracking response must reach the server each time: no cache anywhere may answer for it. */
const NO_STORE = {
  "Cache-Control": "no-store, no-cache, must-revalidate, private",
  Pragma: "no-cache",
  Expires: "0",
};

/** Pages load nothing from anywhere and may only post back to themselves. */
const PAGE_HEADERS = {
  ...NO_STORE,
  "Content-Type": "text/html; charset=utf-8",
  "Content-Security-Policy":
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
};

const PIXEL_HEADERS = canonicalHeaders(NO_STORE, {
  "Content-Type": "image/gif",
  "Content-Length": String(PIXEL_GIF.byteLength),
});
const PIXEL: PlainResponse = Object.freeze({ status: 200, headers: PIXEL_HEADERS, body: PIXEL_GIF });
const PIXEL_HEAD: PlainResponse = Object.freeze({ status: 200, headers: PIXEL_HEADERS, body: null });

/** The open pixel, for GET and HEAD alike. */
export function pixelResponse(method: string): PlainResponse {
  return method === "HEAD" ? PIXEL_HEAD : PIXEL;
}

/** A redirect to a link of the email (RFC 9110 302, never cached, no referrer passed on). */
export function redirectResponse(location: string): PlainResponse {
  // Spelled out in canonical order (lower-case, sorted), as `canonicalHeaders` would give it.
  return {
    status: 302,
    headers: {
      "cache-control": NO_STORE["Cache-Control"],
      expires: NO_STORE.Expires,
      location,
      pragma: NO_STORE.Pragma,
      "referrer-policy": "no-referrer",
    },
    body: null,
  };
}

/** Content of a small page; every string is escaped. */
export interface PageContent {
  title: string;
  message: string;
  /** A button that posts the form back to the page's own URL. */
  form?: { field: string; value: string; button: string };
}

const PAGE_HEADERS_CANONICAL = canonicalHeaders(PAGE_HEADERS);
const NONE: Record<string, string> = {};

/** A small, self-contained HTML page. */
export function pageResponse(
  status: number,
  content: PageContent,
  method = "GET",
  extra: Record<string, string> = NONE,
): PlainResponse {
  const form = content.form
    ? `<form method="post"><input type="hidden" name="${escapeHtml(content.form.field)}" value="${escapeHtml(
        content.form.value,
      )}"><button type="submit">${escapeHtml(content.form.button)}</button></form>`
    : "";
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(content.title)}</title>
<style>
body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#111827;background:#f9fafb;margin:0}
main{max-width:32rem;margin:12vh auto;padding:2rem;background:#fff;border:1px solid #e5e7eb;border-radius:8px}
h1{font-size:1.25rem;margin:0 0 .75rem}
button{font:inherit;padding:.6rem 1.2rem;border:0;border-radius:6px;background:#111827;color:#fff;cursor:pointer}
button:focus-visible{outline:3px solid #2563eb;outline-offset:2px}
</style>
</head>
<body>
<main>
<h1>${escapeHtml(content.title)}</h1>
<p>${escapeHtml(content.message)}</p>
${form}
</main>
</body>
</html>
`;
  const headers = extra === NONE ? PAGE_HEADERS_CANONICAL : canonicalHeaders(PAGE_HEADERS, extra);
  return { status, headers, body: method === "HEAD" ? null : html };
}

/** A JSON answer (the inbound route). */
export function jsonResponse(
  status: number,
  body: unknown,
  extra: Record<string, string> = {},
): PlainResponse {
  const headers = canonicalHeaders(NO_STORE, { "Content-Type": "application/json; charset=utf-8" }, extra);
  return { status, headers, body: JSON.stringify(body) };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
