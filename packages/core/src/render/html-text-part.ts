type HtmlToText = (html: string) => string;

let loading: Promise<HtmlToText> | null = null;

/** html-to-text is loaded on first use, like mjml: plain-text campaigns never load it. */
function loadConverter(): Promise<HtmlToText> {
  loading ??= import("html-to-text").then(({ compile }) =>
    compile({
      // Wrapping would count placeholder tokens, not the values that replace them.
      wordwrap: false,
      selectors: [
        { selector: "a", options: { linkBrackets: ["(", ")"], hideLinkHrefIfSameAsText: true } },
        { selector: "img", format: "skip" },
        // MJML's hidden preview text belongs to the inbox list, not to the message.
        { selector: '[style*="display:none"]', format: "skip" },
        { selector: '[style*="display: none"]', format: "skip" },
        ...["h1", "h2", "h3", "h4", "h5", "h6"].map((h) => ({ selector: h, options: { uppercase: false } })),
        // MJML puts each component in its own div: a blank line between them keeps paragraphs apart.
        { selector: "div", options: { leadingLineBreaks: 2, trailingLineBreaks: 2 } },
        { selector: "table", format: "block" },
        { selector: "style", format: "skip" },
        { selector: "script", format: "skip" },
      ],
    }),
  );
  return loading;
}

/**
 * The readable text/plain alternative of an HTML email: paragraphs kept, links as `text (url)`, no
 * CSS, script, head content or images.
 */
export async function htmlTextPart(html: string): Promise<string> {
  const convert = await loadConverter();
  return convert(html).trim();
}
