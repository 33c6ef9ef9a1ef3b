import { hashString } from "../personalize/string-hash.js";
import type { CompiledTemplate } from "../personalize/template-part.js";
import type { ValuePart } from "./email-segment.js";

/** A template whose variables and spins stand as plain tokens, so markup compilers leave them alone. */
export interface ProtectedTemplate {
  /** The source with each variable and spin replaced by a token of letters and digits. */
  readonly text: string;
  /** Splits output produced from `text` back into literal strings and the parts its tokens stand for. */
  restore(output: string): (string | ValuePart)[];
  /** The source line of a 1-based line of `text` (tags spanning lines shift the lines after them). */
  sourceLine(line: number): number;
}

/**
 * Replaces every variable and spin of a template with a unique token. Tokens are only ASCII letters
 * and digits, so MJML, HTML serialisers and html-to-text carry them through untouched (even into
 * attributes), and case-insensitive matching survives upper-casing. The token prefix is derived from
 * the source and re-derived until the source does not contain it.
 */
export function protectPlaceholders(template: CompiledTemplate): ProtectedTemplate {
  const lower = template.source.toLowerCase();
  let prefix = "";
  for (let salt = 0; prefix === "" || lower.includes(prefix); salt++) {
    prefix = `cdz${hashString(`${salt}:${template.source}`).toString(36)}x`;
  }
  const values: ValuePart[] = [];
  const lineMap = [1, 1];
  let sourceLine = 1;
  let text = "";
  for (const part of template.parts) {
    if (part.kind === "text") {
      text += part.text;
      for (let i = part.text.indexOf("\n"); i !== -1; i = part.text.indexOf("\n", i + 1)) {
        lineMap.push(++sourceLine);
      }
      continue;
    }
    text += `${prefix}${values.length}x`;
    values.push(part);
    sourceLine += countNewlines(template.source.slice(part.start, part.end));
  }
  const token = new RegExp(`${prefix}(\\d+)x`, "gi");

  return {
    text,
    restore(output) {
      const pieces: (string | ValuePart)[] = [];
      let last = 0;
      for (const match of output.matchAll(token)) {
        const part = values[Number(match[1])];
        if (!part) continue;
        if (match.index > last) pieces.push(output.slice(last, match.index));
        pieces.push(part);
        last = match.index + match[0].length;
      }
      if (last < output.length) pieces.push(output.slice(last));
      return pieces;
    },
    sourceLine: (line) => lineMap[Math.min(Math.max(line, 1), lineMap.length - 1)]!,
  };
}

function countNewlines(text: string): number {
  let count = 0;
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) count++;
  return count;
}
