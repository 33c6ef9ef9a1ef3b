import { escapeHtml } from "../personalize/escape-html.js";

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"']+/gi;
const TRAILING_PUNCTUATION = /[.,;:!?\]}*'"]+$/;

/**
 * Escapes plain text for HTML and turns bare http(s) URLs into links. Punctuation ending a sentence is
 * left outside the link, and so is a closing parenthesis the URL did not open.
 *
 * ```ts
 * linkifyText("See https://example.com/a?b=1&c=2.") // 'See <a href="https://example.com/a?b=1&amp;c=2">…</a>.'
 * ```
 */
export function linkifyText(text: string): string {
  let html = "";
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const url = trimUrl(match[0]);
    const href = escapeHtml(url);
    html += `${escapeHtml(text.slice(last, match.index))}<a href="${href}">${href}</a>`;
    last = match.index + url.length;
  }
  return html + escapeHtml(text.slice(last));
}

function trimUrl(candidate: string): string {
  let url = candidate;
  for (;;) {
    const trimmed = url.replace(TRAILING_PUNCTUATION, "");
    const unbalancedParen = trimmed.endsWith(")") && count(trimmed, "(") < count(trimmed, ")");
    const next = unbalancedParen ? trimmed.slice(0, -1) : trimmed;
    if (next === url) return url;
    url = next;
  }
}

function count(text: string, char: string): number {
  return text.split(char).length - 1;
}
