/** Named character references decoded in attribute values: the ones real hrefs contain. */
const NAMED: Record<string, string> = {
  amp: "&",
  AMP: "&",
  lt: "<",
  LT: "<",
  gt: ">",
  GT: ">",
  quot: '"',
  QUOT: '"',
  apos: "'",
  nbsp: "\u00a0",
  copy: "\u00a9",
  reg: "\u00ae",
  shy: "\u00ad",
  sol: "/",
  colon: ":",
  quest: "?",
  equals: "=",
  num: "#",
  percnt: "%",
  plus: "+",
  period: ".",
  comma: ",",
  lowbar: "_",
  hyphen: "\u2010",
  commat: "@",
  dollar: "$",
  semi: ";",
  excl: "!",
  ast: "*",
  lpar: "(",
  rpar: ")",
  Tab: "\t",
  NewLine: "\n",
};

/** References the HTML spec also decodes without a semicolon (its legacy list, the subset above). */
const LEGACY = new Set(["amp", "AMP", "lt", "LT", "gt", "GT", "quot", "QUOT", "nbsp", "copy", "reg", "shy"]);

/** The HTML spec's remapping of numeric references in 0x80–0x9F to their windows-1252 characters. */
const WINDOWS_1252: Record<number, number> = {
  128: 0x20ac,
  130: 0x201a,
  131: 0x0192,
  132: 0x201e,
  133: 0x2026,
  134: 0x2020,
  135: 0x2021,
  136: 0x02c6,
  137: 0x2030,
  138: 0x0160,
  139: 0x2039,
  140: 0x0152,
  142: 0x017d,
  145: 0x2018,
  146: 0x2019,
  147: 0x201c,
  148: 0x201d,
  149: 0x2022,
  150: 0x2013,
  151: 0x2014,
  152: 0x02dc,
  153: 0x2122,
  154: 0x0161,
  155: 0x203a,
  156: 0x0153,
  158: 0x017e,
  159: 0x0178,
};

const REFERENCE = /&(?:#[xX]([0-9a-fA-F]+);?|#([0-9]+);?|([A-Za-z][A-Za-z0-9]*)(;?))/g;

/**
 * Decodes character references in an attribute value the way a browser does: numeric references
 * always, named ones from a table of those that occur in URLs, and (attribute rule of the HTML
 * spec) a legacy reference without `;` only when no `=` or letter/digit follows it.
 */
export function decodeAttributeValue(raw: string): string {
  if (!raw.includes("&")) return raw;
  return raw.replace(
    REFERENCE,
    (
      match,
      hex: string | undefined,
      dec: string | undefined,
      name: string | undefined,
      semi: string,
      at: number,
    ) => {
      if (hex !== undefined || dec !== undefined) {
        return fromCodePoint(hex !== undefined ? Number.parseInt(hex, 16) : Number.parseInt(dec!, 10));
      }
      const char = NAMED[name!];
      if (char === undefined) return match;
      if (semi === ";") return char;
      const next = raw.charAt(at + match.length);
      return LEGACY.has(name!) && !/[=A-Za-z0-9]/.test(next) ? char : match;
    },
  );
}

function fromCodePoint(code: number): string {
  if (!Number.isFinite(code) || code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) {
    return "\ufffd";
  }
  return String.fromCodePoint(WINDOWS_1252[code] ?? code);
}

/** Escapes text for a double-quoted attribute value or element content. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) =>
    c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : c === '"' ? "&quot;" : "&#39;",
  );
}
