import { escapeHtml } from "./html-entities.js";
import { decorateHtml } from "./rewrite-links.js";

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
  return insertBeforeBodyEnd(html, openPixelMarkup(pixelUrl));
}

/** The open-tracking image `injectOpenPixel` adds, for a document decorated in one pass. */
export function openPixelMarkup(pixelUrl: string): string {
  return (
    `<img src="${escapeHtml(pixelUrl)}" width="1" height="1" alt="" ` +
    'style="display:none;width:1px;height:1px;max-height:1px;overflow:hidden;border:0;margin:0;padding:0">'
  );
}

/** Inserts markup just before the last `</body>` of a document, or appends it when there is none. */
export function insertBeforeBodyEnd(html: string, markup: string): string {
  return decorateHtml(html, { beforeBodyEnd: markup }).html;
}
