import { escapeHtml } from "./html-entities.js";
import { scanTags } from "./html-tags.js";

/**
 * Adds a 1×1 open-tracking image just before the document's `</body>` (the last real one, not one
 * inside a comment), or at the end when there is none.
 *
 * ```ts
 * injectOpenPixel("<html><body>Hi</body></html>", "https://t.example.com/open/TOKEN");
 * // <html><body>Hi<img src="https://t.example.com/open/TOKEN" width="1" height="1" alt="" …></body></html>
 * ```
 */
export function injectOpenPixel(html: string, pixelUrl: string): string {
  const pixel =
    `<img src="${escapeHtml(pixelUrl)}" width="1" height="1" alt="" ` +
    'style="display:none;width:1px;height:1px;max-height:1px;overflow:hidden;border:0;margin:0;padding:0">';
  return insertBeforeBodyEnd(html, pixel);
}

/** Inserts markup just before the last `</body>` of a document, or appends it when there is none. */
export function insertBeforeBodyEnd(html: string, markup: string): string {
  let bodyEnd: number | null = null;
  for (const tag of scanTags(html)) {
    if (tag.closing && tag.name === "body") bodyEnd = tag.start;
  }
  if (bodyEnd === null) return html + markup;
  return html.slice(0, bodyEnd) + markup + html.slice(bodyEnd);
}
