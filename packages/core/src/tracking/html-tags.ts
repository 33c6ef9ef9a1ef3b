/** One attribute of a scanned tag, with the offsets needed to replace its value in place. */
export interface HtmlAttribute {
  /** Lower-cased name. */
  name: string;
  /** Raw value as written (quotes removed, references not decoded); null when it has no `=`. */
  value: string | null;
  /** Offset of the first character of the value token (its opening quote, if quoted). */
  valueStart: number;
  /** Offset just past the value token (past its closing quote, if quoted). */
  valueEnd: number;
}

/** One start or end tag found in a document, with its source range. */
export interface HtmlTag {
  /** Lower-cased tag name. */
  name: string;
  closing: boolean;
  /** Offset of `<`. */
  start: number;
  /** Offset just past `>`. */
  end: number;
  attributes: HtmlAttribute[];
}

/** Elements whose content is text, not markup: a `<a` inside them is not a tag. */
const RAW_TEXT = new Set(["script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes"]);
const SPACE = /[\t\n\f\r ]/;

/**
 * Yields the start and end tags of an HTML document in order, following the HTML tokenizer for
 * what matters here: comments (conditional comments included), doctype and processing instructions
 * are skipped, so are the contents of raw text elements, and attributes may be double-quoted,
 * single-quoted or unquoted. A tag cut off by the end of the input is not yielded.
 */
export function* scanTags(html: string): Generator<HtmlTag> {
  let at = 0;
  while (at < html.length) {
    const lt = html.indexOf("<", at);
    if (lt < 0 || lt + 1 >= html.length) return;
    const next = html.charAt(lt + 1);
    if (next === "!") {
      at = skipMarkupDeclaration(html, lt);
      continue;
    }
    if (next === "?") {
      at = skipTo(html, ">", lt + 2);
      continue;
    }
    const closing = next === "/";
    const nameStart = closing ? lt + 2 : lt + 1;
    if (!/[A-Za-z]/.test(html.charAt(nameStart))) {
      // `</>` is dropped, `</1` is a bogus comment, a lone `<` is text.
      at = closing ? (html.charAt(nameStart) === ">" ? nameStart + 1 : skipTo(html, ">", nameStart)) : lt + 1;
      continue;
    }
    const tag = readTag(html, lt, nameStart, closing);
    if (!tag) return;
    yield tag;
    at = tag.end;
    if (!closing && RAW_TEXT.has(tag.name)) at = skipRawText(html, tag.name, at);
  }
}

function readTag(html: string, start: number, nameStart: number, closing: boolean): HtmlTag | null {
  let at = nameStart;
  while (
    at < html.length &&
    !SPACE.test(html.charAt(at)) &&
    html.charAt(at) !== "/" &&
    html.charAt(at) !== ">"
  ) {
    at++;
  }
  const name = html.slice(nameStart, at).toLowerCase();
  const attributes: HtmlAttribute[] = [];
  while (at < html.length) {
    const char = html.charAt(at);
    if (SPACE.test(char) || char === "/") {
      at++;
      continue;
    }
    if (char === ">") return { name, closing, start, end: at + 1, attributes };
    // Attribute name: a leading `=` belongs to the name, as in the spec.
    const attrStart = at;
    at++;
    while (at < html.length && !/[\t\n\f\r />=]/.test(html.charAt(at))) at++;
    const attrName = html.slice(attrStart, at).toLowerCase();
    while (at < html.length && SPACE.test(html.charAt(at))) at++;
    if (html.charAt(at) !== "=") {
      attributes.push({ name: attrName, value: null, valueStart: at, valueEnd: at });
      continue;
    }
    at++;
    while (at < html.length && SPACE.test(html.charAt(at))) at++;
    const quote = html.charAt(at);
    if (quote === '"' || quote === "'") {
      const close = html.indexOf(quote, at + 1);
      if (close < 0) return null;
      attributes.push({
        name: attrName,
        value: html.slice(at + 1, close),
        valueStart: at,
        valueEnd: close + 1,
      });
      at = close + 1;
    } else if (quote === ">") {
      attributes.push({ name: attrName, value: "", valueStart: at, valueEnd: at });
    } else {
      const valueStart = at;
      while (at < html.length && !SPACE.test(html.charAt(at)) && html.charAt(at) !== ">") at++;
      attributes.push({ name: attrName, value: html.slice(valueStart, at), valueStart, valueEnd: at });
    }
  }
  return null;
}

function skipMarkupDeclaration(html: string, lt: number): number {
  if (html.startsWith("<!--", lt)) {
    // `<!-->` and `<!--->` close at once; otherwise the comment runs to the next `-->`.
    if (html.startsWith(">", lt + 4)) return lt + 5;
    if (html.startsWith("->", lt + 4)) return lt + 6;
    // One forward search for `--`, so a document full of comments stays linear.
    for (let dash = html.indexOf("--", lt + 4); dash >= 0; dash = html.indexOf("--", dash + 1)) {
      if (html.startsWith(">", dash + 2)) return dash + 3;
      if (html.startsWith("!>", dash + 2)) return dash + 4;
    }
    return html.length;
  }
  if (html.slice(lt + 2, lt + 9) === "[CDATA[") {
    const close = html.indexOf("]]>", lt + 9);
    return close < 0 ? html.length : close + 3;
  }
  return skipTo(html, ">", lt + 2);
}

function skipTo(html: string, char: string, from: number): number {
  const found = html.indexOf(char, from);
  return found < 0 ? html.length : found + 1;
}

function skipRawText(html: string, name: string, from: number): number {
  // Case-insensitive search without lower-casing the document, which could shift offsets.
  const end = new RegExp(`</${name}(?=[\\t\\n\\f\\r />]|$)`, "gi");
  end.lastIndex = from;
  const found = end.exec(html);
  return found ? found.index : html.length;
}
