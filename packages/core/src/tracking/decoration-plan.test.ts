import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { applyDecoration, planDecoration } from "./decoration-plan.js";
import { escapeHtml } from "./html-entities.js";
import { decorateHtml, type HtmlDecoration } from "./rewrite-links.js";

const track = (_url: string, index: number) => `https://t.example/c/${index}?a=1&b="2"`;

/** Every decoration `decorateHtml` takes: links tracked or not, markup or not, a skipped link. */
const DECORATIONS: HtmlDecoration[] = [
  { toTrackedUrl: track, skip: (url) => url.endsWith("/skip"), beforeBodyEnd: '<img src="p">' },
  { toTrackedUrl: track },
  { beforeBodyEnd: "<i>footer</i>" },
  {},
];

/** The document the pieces make with these values, printed as the renderer prints them. */
function documentOf(pieces: readonly (string | null)[], values: readonly string[]): string {
  let at = 0;
  return pieces.map((piece) => piece ?? values[at++]!).join("");
}

/** Asserts the plan, when there is one, decorates exactly as `decorateHtml` does the printed document. */
function expectSameAsDecorateHtml(pieces: readonly (string | null)[], raw: readonly string[]): boolean {
  const plan = planDecoration(pieces);
  if (!plan) return false;
  const values = raw.map(escapeHtml);
  const html = documentOf(pieces, values);
  for (const decoration of DECORATIONS) {
    expect(applyDecoration(plan, values, decoration)).toEqual(decorateHtml(html, decoration));
  }
  return true;
}

describe("planDecoration", () => {
  it("decorates an MJML-like document exactly as decorateHtml does, links in values included", () => {
    const pieces = [
      '<!doctype html><html><head><style type="text/css">#outlook a { padding:0; }</style>',
      "<!--[if mso]><xml><o:OfficeDocumentSettings></o:OfficeDocumentSettings></xml><![endif]-->",
      '</head><body style="word-spacing:normal;"><div>Hi ',
      null,
      ',</div><a href="https://cal.example.com/ana/intro" target="_blank">Pick a time</a>',
      '<a href="https://example.com/p/',
      null,
      '?x=1">Profile</a><a href="',
      null,
      '">Unsubscribe</a><a href="mailto:ana@example.com">Mail</a>',
      "<a href=https://example.com/unquoted>u</a>",
      '<a data-cadenza-notrack href="https://example.com/kept">k</a>',
      "</body></html>",
    ];
    const plan = planDecoration(pieces);
    expect(plan).not.toBeNull();
    for (const values of [
      ["Ana", "ana & co", "https://example.com/skip"],
      ["", "", ""],
      ['<b>"x"</b>', "a b", "javascript:alert(1)"],
      ["First1", "1", "https://t.example/unsubscribe/abc"],
    ]) {
      expect(expectSameAsDecorateHtml(pieces, values)).toBe(true);
    }
    const decorated = applyDecoration(plan!, ["Ana", "42", "https://e.com/skip"], DECORATIONS[0]!);
    expect(decorated.links).toEqual([
      "https://cal.example.com/ana/intro",
      "https://example.com/p/42?x=1",
      "https://example.com/unquoted",
    ]);
  });

  it("declines when a value could change where a tag, attribute or comment begins or ends", () => {
    const unsafe: (string | null)[][] = [
      ["<a ", null, ">x</a>"], // between attributes
      ["<a href=", null, ">x</a>"], // unquoted value
      ["<", null, ' href="https://e.com">'], // a tag name
      ["</", null, ">"],
      ["<!", null, "-- c -->"],
      ["<!-", null, "- c -->"],
      ["<!-- c ", null, "-->"],
      ["<!-- c -", null, "->"], // preceding dash alone is fine; the value then precedes `-`
      ["<![CDATA[ x ", null, "]]>"],
      ["<style>a{}</sty", null, "le>"],
      ["<p ", null, "></p>"],
      ["</p ", null, ">"],
      ["x", "\uE000", null], // the marker itself in a literal piece
      ["<a href=https://e.com/z !", null, ' href="<a href=https://e.com/z>'], // `=` would close an open tag
      ['<a title="x" ', null], // a tag the document's end leaves open
    ];
    unsafe.push(["<a ", null, ' href="https://e.com">x</a>'], ["<a href=", null, " title=x>"]);
    for (const pieces of unsafe) expect(planDecoration(pieces), JSON.stringify(pieces)).toBeNull();
  });

  it("plans values in text, comments, raw text and quoted attributes", () => {
    const safe: (string | null)[][] = [
      ["<p>", null, "</p>"],
      ["<!-- ", null, " -->"],
      ["<style>a { content: '", null, "' }</style>"],
      ['<img alt="', null, '" src=x>'],
      ["<a title='", null, '\' href="https://e.com">x</a>'],
      [null],
      [null, null, "text"],
    ];
    for (const pieces of safe) {
      expect(expectSameAsDecorateHtml(pieces, ["v", "w"]), JSON.stringify(pieces)).toBe(true);
    }
  });

  it("whenever it plans, decorates any printed values exactly as decorateHtml does", () => {
    const literal = fc.oneof(
      fc.string({ maxLength: 6 }),
      fc.constantFrom(
        '<a href="https://e.com/x">',
        '<a href="https://e.com/',
        "<a href='http://e.com/",
        '<a href="',
        '">',
        "'>",
        "<a href=https://e.com/z>",
        '<a href="https://e.com/skip">',
        '<a data-cadenza-notrack href="https://e.com/n">',
        "</a>",
        "<body>",
        "</body>",
        "</BODY >",
        "<!--",
        "-->",
        "--!>",
        "<![CDATA[",
        "]]>",
        "<script>",
        "</script>",
        "<style>",
        "</style>",
        '<img alt="',
        '"',
        "'",
        "<",
        ">",
        "-",
        "!",
        "]",
        "/",
        "&amp;",
        " ",
        "<a ",
        "<a",
        "<p",
        "</",
        "<!",
        "<!-",
        " href=",
        ' href="',
        " title=x",
        "=",
        "</sty",
        "le>",
        ' href="https://e.com/h">',
        "->",
        "<a href=https://e.com/z ",
      ),
    );
    const piece = fc.oneof({ arbitrary: literal, weight: 3 }, { arbitrary: fc.constant(null), weight: 1 });
    const value = fc.oneof(
      { arbitrary: fc.string({ maxLength: 6 }), weight: 1 },
      {
        weight: 3,
        arbitrary: fc.constantFrom(
          "",
          "-",
          "--",
          "!",
          "]",
          "]]",
          "a",
          "body",
          "https://e.com/v",
          "https://e.com/skip",
          " x",
          "x y",
          "=",
          "/",
          "href=https://e.com/v",
          " href=https://e.com/v ",
          "a href=https://e.com/v",
          "le",
          "-- ",
        ),
      },
    );
    let planned = 0;
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 24 }),
        fc.array(value, { minLength: 24, maxLength: 24 }),
        (pieces, values) => {
          const count = pieces.filter((p) => p === null).length;
          if (expectSameAsDecorateHtml(pieces, values.slice(0, count))) planned += 1;
        },
      ),
      { numRuns: 6000 },
    );
    // Not a vacuous property: most generated documents get a plan.
    expect(planned).toBeGreaterThan(2000);
  });
});
