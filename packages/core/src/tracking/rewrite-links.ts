import { decodeAttributeValue, escapeHtml } from "./html-entities.js";
import { scanTags } from "./html-tags.js";
import { trackableUrl } from "./trackable-url.js";

/** Marks a link that must keep its original URL: `<a href="…" data-cadenza-notrack>`. */
export const NO_TRACK_ATTRIBUTE = "data-cadenza-notrack";

/** Options of `rewriteLinks` and `findTrackableLinks`. */
export interface RewriteLinksOptions {
  /** Links to leave alone, e.g. the unsubscribe link; called with the decoded URL. */
  skip?: (url: string) => boolean;
}

/** The rewritten document and the original URLs of the links it tracks, in index order. */
export interface RewrittenLinks {
  html: string;
  /** `links[i]` is the URL a click token with `linkIndex: i` resolves to. */
  links: string[];
}

/**
 * Replaces the `href` of every trackable `<a>` with a tracked URL and lists the originals.
 * Trackable: an absolute http(s) URL, not skipped, without `data-cadenza-notrack`. The href is
 * decoded (character references) before use; the new one is escaped and double-quoted. Everything
 * else in the document is left byte for byte.
 *
 * ```ts
 * const { links } = rewriteLinks(html, (url, index) => url); // find them first…
 * const tokens = await Promise.all(links.map((_, linkIndex) => signer.sign({ kind: "click", emailId, linkIndex })));
 * const { html: tracked } = rewriteLinks(html, (_, i) => urls.click(tokens[i]!)); // …then rewrite
 * ```
 */
export function rewriteLinks(
  html: string,
  toTrackedUrl: (url: string, index: number) => string,
  options: RewriteLinksOptions = {},
): RewrittenLinks {
  return decorateHtml(html, { toTrackedUrl, skip: options.skip });
}

/** The URLs `rewriteLinks` would track, in index order (to sign click tokens before rewriting). */
export function findTrackableLinks(html: string, options: RewriteLinksOptions = {}): string[] {
  return rewriteLinks(html, (url) => url, options).links;
}

/** What `decorateHtml` does to a document; each part is optional. */
export interface HtmlDecoration extends RewriteLinksOptions {
  /** Rewrites every trackable link as `rewriteLinks` does; links are left alone without it. */
  toTrackedUrl?: (url: string, index: number) => string;
  /** Markup inserted just before the last real `</body>`, or appended when there is none. */
  beforeBodyEnd?: string;
}

/**
 * Rewrites trackable links and inserts markup before `</body>` in one pass over the document,
 * producing one string: what `rewriteLinks` and then `insertBeforeBodyEnd` would produce.
 *
 * ```ts
 * decorateHtml(html, { toTrackedUrl: (_, i) => urls.click(tokens.click(i)), beforeBodyEnd: pixel });
 * ```
 */
export function decorateHtml(html: string, decoration: HtmlDecoration): RewrittenLinks {
  const { toTrackedUrl, skip, beforeBodyEnd } = decoration;
  const links: string[] = [];
  // Offsets into `html` and what replaces [start, end): the tracked hrefs in order.
  const edits: { start: number; end: number; text: string }[] = [];
  let bodyEnd: number | null = null;
  const attributesOf = toTrackedUrl ? (name: string) => name === "a" : () => false;
  for (const tag of scanTags(html, { attributesOf })) {
    if (tag.closing) {
      if (tag.name === "body") bodyEnd = tag.start;
      continue;
    }
    if (!toTrackedUrl || tag.name !== "a") continue;
    if (tag.attributes.some((a) => a.name === NO_TRACK_ATTRIBUTE)) continue;
    // Browsers use the first of duplicate attributes.
    const href = tag.attributes.find((a) => a.name === "href");
    if (!href || href.value === null) continue;
    const url = trackableUrl(decodeAttributeValue(href.value));
    if (url === null || skip?.(url)) continue;
    const tracked = toTrackedUrl(url, links.length);
    links.push(url);
    edits.push({ start: href.valueStart, end: href.valueEnd, text: `"${escapeHtml(tracked)}"` });
  }
  const insertAt = beforeBodyEnd === undefined ? -1 : (bodyEnd ?? html.length);
  let out = "";
  let copied = 0;
  for (const edit of edits) {
    // `</body>` is a tag of its own, so it never falls inside an href.
    if (insertAt >= copied && insertAt <= edit.start) {
      out += html.slice(copied, insertAt) + beforeBodyEnd;
      copied = insertAt;
    }
    out += html.slice(copied, edit.start) + edit.text;
    copied = edit.end;
  }
  if (insertAt >= copied) {
    out += html.slice(copied, insertAt) + beforeBodyEnd;
    copied = insertAt;
  }
  return { html: out + html.slice(copied), links };
}
