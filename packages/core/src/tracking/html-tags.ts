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
  /** In source order; empty for end tags and for start tags `attributesOf` left out. */
  attributes: HtmlAttribute[];
}

/** Elements whose content is text, not markup: a `<a` inside them is not a tag. */
const RAW_TEXT = new Set(["script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes"]);

/** Options of `scanTags`. */
export interface ScanTagsOptions {
  /**
   * Which start tags need their attributes (by lower-cased name); the others are yielded with none,
   * which saves building them. All by default.
   */
  attributesOf?: (name: string) => boolean;
  /**
   * Called with the offset of the `<` of a tag the end of the input cuts off (an attribute quote
   * or the tag itself left open), where the scan stops: text after it is not markup here, but
   * more input could make it a tag.
   */
  onCutOff?: (start: number) => void;
}

const TAB = 9;
const LF = 10;
const FF = 12;
const CR = 13;
const SPACE = 32;
const QUOTE = 34;
const APOSTROPHE = 39;
const SLASH = 47;
const EQUALS = 61;
const GT = 62;

/** HTML's ASCII whitespace (the tokenizer's attribute separators). */
function isSpace(code: number): boolean {
  return code === SPACE || code === LF || code === TAB || code === CR || code === FF;
}

function isAsciiLetter(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

/**
 * Yields the start and end tags of an HTML document in order, following the HTML tokenizer for
 * what matters here: comments (conditional comments included), doctype and processing instructions
 * are skipped, so are the contents of raw text elements, and attributes may be double-quoted,
 * single-quoted or unquoted. A tag cut off by the end of the input is not yielded.
 */
export function* scanTags(html: string, options: ScanTagsOptions = {}): Generator<HtmlTag> {
  let at = 0;
  while (at < html.length) {
    const lt = html.indexOf("<", at);
    if (lt < 0 || lt + 1 >= html.length) return;
    const next = html.charCodeAt(lt + 1);
    if (next === 33 /* ! */) {
      at = skipMarkupDeclaration(html, lt);
      continue;
    }
    if (next === 63 /* ? */) {
      at = skipTo(html, ">", lt + 2);
      continue;
    }
    const closing = next === SLASH;
    const nameStart = closing ? lt + 2 : lt + 1;
    if (!isAsciiLetter(html.charCodeAt(nameStart))) {
      // `</>` is dropped, `</1` is a bogus comment, a lone `<` is text.
      at = closing
        ? html.charCodeAt(nameStart) === GT
          ? nameStart + 1
          : skipTo(html, ">", nameStart)
        : lt + 1;
      continue;
    }
    const tag = readTag(html, lt, nameStart, closing, options.attributesOf);
    if (!tag) {
      options.onCutOff?.(lt);
      return;
    }
    yield tag;
    at = tag.end;
    if (!closing && RAW_TEXT.has(tag.name)) at = skipRawText(html, tag.name, at);
  }
}

function readTag(
  html: string,
  start: number,
  nameStart: number,
  closing: boolean,
  attributesOf: ((name: string) => boolean) | undefined,
): HtmlTag | null {
  const length = html.length;
  let at = nameStart;
  for (let c = html.charCodeAt(at); at < length && !isSpace(c) && c !== SLASH && c !== GT; ) {
    c = html.charCodeAt(++at);
  }
  const name = html.slice(nameStart, at).toLowerCase();
  // End tags' attributes are parse errors that browsers drop; only their extent matters.
  const keep = !closing && (attributesOf === undefined || attributesOf(name));
  const attributes: HtmlAttribute[] = [];
  while (at < length) {
    const char = html.charCodeAt(at);
    if (isSpace(char) || char === SLASH) {
      at++;
      continue;
    }
    if (char === GT) return { name, closing, start, end: at + 1, attributes };
    // Attribute name: a leading `=` belongs to the name, as in the spec.
    const attrStart = at;
    at++;
    for (
      let c = html.charCodeAt(at);
      at < length && !isSpace(c) && c !== SLASH && c !== GT && c !== EQUALS;
    ) {
      c = html.charCodeAt(++at);
    }
    const attrName = keep ? html.slice(attrStart, at).toLowerCase() : "";
    while (at < length && isSpace(html.charCodeAt(at))) at++;
    if (html.charCodeAt(at) !== EQUALS) {
      if (keep) attributes.push({ name: attrName, value: null, valueStart: at, valueEnd: at });
      continue;
    }
    at++;
    while (at < length && isSpace(html.charCodeAt(at))) at++;
    const quote = html.charCodeAt(at);
    if (quote === QUOTE || quote === APOSTROPHE) {
      const close = html.indexOf(quote === QUOTE ? '"' : "'", at + 1);
      if (close < 0) return null;
      if (keep) {
        attributes.push({
          name: attrName,
          value: html.slice(at + 1, close),
          valueStart: at,
          valueEnd: close + 1,
        });
      }
      at = close + 1;
    } else if (quote === GT) {
      if (keep) attributes.push({ name: attrName, value: "", valueStart: at, valueEnd: at });
    } else {
      const valueStart = at;
      for (let c = html.charCodeAt(at); at < length && !isSpace(c) && c !== GT; ) c = html.charCodeAt(++at);
      if (keep)
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

/** The end-tag pattern of each raw text element, built once (`exec` runs synchronously from `lastIndex`). */
const RAW_TEXT_END = new Map(
  [...RAW_TEXT].map((name) => [name, new RegExp(`</${name}(?=[\\t\\n\\f\\r />]|$)`, "gi")]),
);

function skipRawText(html: string, name: string, from: number): number {
  // Case-insensitive search without lower-casing the document, which could shift offsets.
  const end = RAW_TEXT_END.get(name)!;
  end.lastIndex = from;
  const found = end.exec(html);
  return found ? found.index : html.length;
}
