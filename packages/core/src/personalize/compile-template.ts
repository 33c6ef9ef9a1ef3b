import { CadenzaError } from "../errors.js";
import { type CompiledTemplate, type TemplatePart, VARIABLE_NAME_PATTERN } from "./template-part.js";

const OPEN = "{{";
const CLOSE = "}}";
const SPIN_HEAD = /^\s*spin\s*:/;

/**
 * Parses a template once into parts. Syntax:
 * - `{{first_name}}`, whitespace allowed inside the braces;
 * - `{{first_name | "there"}}` or `{{first_name | 'there'}}`: a fallback printed when the value is
 *   missing (`\"`, `\'` and `\\` escape inside it);
 * - `{{spin: Hi | Hello | Hey}}`: one option, chosen deterministically from the render seed;
 * - `\{{` prints a literal `{{`.
 *
 * Throws `CadenzaError("TEMPLATE_SYNTAX")` naming the line and column of the first problem.
 *
 * ```ts
 * const t = compileTemplate('Hi {{first_name | "there"}},');
 * renderTemplate(t, { first_name: "Jane" }, { escape: "none", seed: "lead-1" }); // { ok: true, value: "Hi Jane," }
 * ```
 */
export function compileTemplate(source: string): CompiledTemplate {
  const parts: TemplatePart[] = [];
  let text = "";
  let textStart = 0;
  let spinCount = 0;
  let i = 0;

  const flushText = (end: number) => {
    if (text !== "") parts.push({ kind: "text", text, start: textStart, end });
    text = "";
  };

  while (i < source.length) {
    const open = source.indexOf(OPEN, i);
    if (open === -1) {
      text += source.slice(i);
      i = source.length;
      break;
    }
    // `\{{` is a literal `{{`.
    if (source[open - 1] === "\\") {
      text += source.slice(i, open - 1) + OPEN;
      i = open + OPEN.length;
      continue;
    }
    text += source.slice(i, open);
    flushText(open);
    const tag = parseTag(source, open, spinCount);
    if (tag.part.kind === "spin") spinCount++;
    parts.push(tag.part);
    i = tag.end;
    textStart = i;
  }
  flushText(source.length);
  return { source, parts };
}

function parseTag(source: string, open: number, spinKey: number): { part: TemplatePart; end: number } {
  const innerStart = open + OPEN.length;
  const close = source.indexOf(CLOSE, innerStart);
  const nextOpen = source.indexOf(OPEN, innerStart);
  const unclosed = () => syntaxError(source, open, `Unclosed "{{"`);

  if (SPIN_HEAD.test(source.slice(innerStart, close === -1 ? undefined : close))) {
    if (close === -1 || (nextOpen !== -1 && nextOpen < close)) throw unclosed();
    const body = source.slice(innerStart, close).replace(SPIN_HEAD, "");
    if (body.trim() === "")
      throw syntaxError(source, open, "Empty spin: give options like {{spin: Hi | Hello}}");
    const options = body.split("|").map((o) => o.trim());
    const empty = options.indexOf("");
    if (empty !== -1) throw syntaxError(source, open, `Spin option ${empty + 1} is empty`);
    return { part: { kind: "spin", options, key: spinKey, start: open, end: close + 2 }, end: close + 2 };
  }

  // A variable: the name runs to the first "|" or "}}".
  let cursor = innerStart;
  while (cursor < source.length && source[cursor] !== "|" && !source.startsWith(CLOSE, cursor)) {
    if (source.startsWith(OPEN, cursor)) throw unclosed();
    cursor++;
  }
  if (cursor >= source.length) throw unclosed();
  const name = source.slice(innerStart, cursor).trim();
  if (name === "") throw syntaxError(source, open, "Empty variable name");
  if (!VARIABLE_NAME_PATTERN.test(name)) {
    throw syntaxError(
      source,
      open,
      `Invalid variable name "${name}" (use letters, digits and _, not starting with a digit)`,
    );
  }
  if (source[cursor] !== "|") {
    return {
      part: { kind: "variable", name, fallback: null, start: open, end: cursor + 2 },
      end: cursor + 2,
    };
  }
  const fallback = parseFallback(source, cursor + 1, open);
  return {
    part: { kind: "variable", name, fallback: fallback.value, start: open, end: fallback.end },
    end: fallback.end,
  };
}

/** Reads `ws* "text" ws* }}` from `from`, returning the unescaped text and the offset after `}}`. */
function parseFallback(source: string, from: number, open: number): { value: string; end: number } {
  let i = skipSpace(source, from);
  const quote = source[i];
  if (quote !== '"' && quote !== "'") {
    throw syntaxError(source, i, `A fallback must be a quoted string, like {{first_name | "there"}}`);
  }
  const quoteAt = i;
  let value = "";
  i++;
  for (;;) {
    if (i >= source.length) throw syntaxError(source, quoteAt, "Unterminated fallback string");
    const c = source[i]!;
    if (c === "\\" && i + 1 < source.length && (source[i + 1] === quote || source[i + 1] === "\\")) {
      value += source[i + 1];
      i += 2;
      continue;
    }
    if (c === quote) break;
    value += c;
    i++;
  }
  i = skipSpace(source, i + 1);
  if (!source.startsWith(CLOSE, i)) {
    if (source.indexOf(CLOSE, i) === -1) throw syntaxError(source, open, `Unclosed "{{"`);
    throw syntaxError(source, i, `Expected "}}" after the fallback string`);
  }
  return { value, end: i + 2 };
}

function skipSpace(source: string, from: number): number {
  let i = from;
  while (i < source.length && /\s/.test(source[i]!)) i++;
  return i;
}

function syntaxError(source: string, offset: number, problem: string): CadenzaError {
  const { line, column } = lineAndColumn(source, offset);
  return new CadenzaError("TEMPLATE_SYNTAX", {
    issues: [{ path: [], message: `${problem} at line ${line}, column ${column}`, code: "template_syntax" }],
  });
}

/** 1-based line and column of an offset. */
export function lineAndColumn(source: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = source.indexOf("\n"); i !== -1 && i < offset; i = source.indexOf("\n", i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}
