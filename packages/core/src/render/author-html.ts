import type { ProtectedTemplate } from "./placeholder-tokens.js";

const HAS_HTML = /<html[\s>]/i;
const HAS_BODY = /<body[\s>]/i;

/**
 * Author HTML as a full document: a fragment is wrapped in `<html><body>`, a document without `<body>`
 * gets one, and a full document is left as written.
 */
export function authorHtmlDocument(body: ProtectedTemplate): string {
  const html = body.text;
  if (HAS_BODY.test(html)) return html;
  if (!HAS_HTML.test(html)) {
    return `<!DOCTYPE html>\n<html>\n<head>\n<meta charset="utf-8">\n</head>\n<body>\n${html}\n</body>\n</html>\n`;
  }
  const afterHead = html.search(/<\/head\s*>/i);
  const openEnd =
    afterHead !== -1 ? html.indexOf(">", afterHead) + 1 : html.indexOf(">", html.search(HAS_HTML)) + 1;
  const closeHtml = html.search(/<\/html\s*>/i);
  const bodyEnd = closeHtml === -1 ? html.length : closeHtml;
  return `${html.slice(0, openEnd)}\n<body>\n${html.slice(openEnd, bodyEnd)}\n</body>\n${html.slice(bodyEnd)}`;
}
