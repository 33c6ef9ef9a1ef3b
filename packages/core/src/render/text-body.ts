import type { EmailSegment } from "./email-segment.js";
import { linkifyText } from "./linkify.js";
import type { ProtectedTemplate } from "./placeholder-tokens.js";

/**
 * The HTML of a plain-text body: escaped, blank-line paragraphs as `<p>`, single newlines as `<br>`,
 * bare URLs as links, in a simple sans-serif document. Values outside links are marked to be
 * linkified too, so a `{{booking_url}}` value becomes clickable like a URL typed in the template.
 */
export function textBodyHtml(body: ProtectedTemplate): EmailSegment[] {
  const paragraphs = body.text
    .replace(/\r\n?/g, "\n")
    .split(/\n[ \t]*\n\s*/)
    .map((p) => p.replace(/^\n+|\s+$/g, ""))
    .filter((p) => p !== "")
    .map((p) => `<p>${p.split("\n").map(linkifyText).join("<br>\n")}</p>`);
  const html = [
    "<!DOCTYPE html>",
    "<html>",
    "<head>",
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    "</head>",
    "<body>",
    '<div style="font-family: sans-serif; line-height: 1.6;">',
    ...paragraphs,
    "</div>",
    "</body>",
    "</html>",
    "",
  ].join("\n");
  return markLinkableValues(body.restore(html));
}

/** Our own markup holds the only anchors (author text is escaped), so tracking them is exact. */
function markLinkableValues(pieces: ReturnType<ProtectedTemplate["restore"]>): EmailSegment[] {
  let insideAnchor = false;
  return pieces.map((piece) => {
    if (typeof piece !== "string") return { part: piece, linkify: !insideAnchor };
    const open = piece.lastIndexOf("<a ");
    const close = piece.lastIndexOf("</a>");
    if (open !== -1 || close !== -1) insideAnchor = open > close;
    return piece;
  });
}
