import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { insertBeforeBodyEnd } from "./open-pixel.js";
import { decorateHtml, findTrackableLinks, rewriteLinks } from "./rewrite-links.js";

const track = (_url: string, index: number) => `https://t.example/c/${index}`;

describe("rewriteLinks", () => {
  const cases: { name: string; html: string; out: string; links: string[] }[] = [
    {
      name: "double-quoted href",
      html: '<a href="https://example.com/a">A</a>',
      out: '<a href="https://t.example/c/0">A</a>',
      links: ["https://example.com/a"],
    },
    {
      name: "single-quoted href, uppercase tag and attribute",
      html: "<A HREF='http://example.com/b' class=x>B</A>",
      out: '<A HREF="https://t.example/c/0" class=x>B</A>',
      links: ["http://example.com/b"],
    },
    {
      name: "unquoted href followed by >",
      html: "<a href=https://example.com/c>C</a>",
      out: '<a href="https://t.example/c/0">C</a>',
      links: ["https://example.com/c"],
    },
    {
      name: "spaces around = and attributes on several lines",
      html: '<a\n  class="btn"\n  href = "https://example.com/d"\n  target="_blank">D</a>',
      out: '<a\n  class="btn"\n  href = "https://t.example/c/0"\n  target="_blank">D</a>',
      links: ["https://example.com/d"],
    },
    {
      name: "character references are decoded before use",
      html: '<a href="https://example.com/?a=1&amp;b=2&#38;c=3&#x26;d=&quot;4&quot;">E</a>',
      out: '<a href="https://t.example/c/0">E</a>',
      links: ['https://example.com/?a=1&b=2&c=3&d="4"'],
    },
    {
      name: "a legacy reference followed by = stays literal (HTML attribute rule)",
      html: '<a href="https://example.com/?x=1&copy=2&amp=3">F</a>',
      out: '<a href="https://t.example/c/0">F</a>',
      links: ["https://example.com/?x=1&copy=2&amp=3"],
    },
    {
      name: "mailto, tel, anchors, relative and javascript links are left alone",
      html: '<a href="mailto:a@b.c">m</a><a href="tel:+1">t</a><a href="#top">#</a><a href="/path">r</a><a href="javascript:alert(1)">j</a><a href="ftp://x.y/">f</a>',
      out: '<a href="mailto:a@b.c">m</a><a href="tel:+1">t</a><a href="#top">#</a><a href="/path">r</a><a href="javascript:alert(1)">j</a><a href="ftp://x.y/">f</a>',
      links: [],
    },
    {
      name: "data-cadenza-notrack keeps the link, in any case",
      html: '<a href="https://example.com/u" DATA-CADENZA-NOTRACK>u</a><a data-cadenza-notrack="" href="https://example.com/v">v</a>',
      out: '<a href="https://example.com/u" DATA-CADENZA-NOTRACK>u</a><a data-cadenza-notrack="" href="https://example.com/v">v</a>',
      links: [],
    },
    {
      name: "links inside comments, conditional comments, scripts, styles and titles are not tags",
      html: '<!-- <a href="https://example.com/1"> --><!--[if mso]><a href="https://example.com/2"><![endif]--><script>"<a href=\'https://example.com/3\'>"</script><style>a[href="https://example.com/4"]{}</style><title><a href="https://example.com/5"></title><a href="https://example.com/6">6</a>',
      out: '<!-- <a href="https://example.com/1"> --><!--[if mso]><a href="https://example.com/2"><![endif]--><script>"<a href=\'https://example.com/3\'>"</script><style>a[href="https://example.com/4"]{}</style><title><a href="https://example.com/5"></title><a href="https://t.example/c/0">6</a>',
      links: ["https://example.com/6"],
    },
    {
      name: "comments closed by --!>, abrupt <!--> and <!---> end where browsers end them",
      html: '<!-- a --!><a href="https://e.com/1">1</a><!--><a href="https://e.com/2">2</a><!---><a href="https://e.com/3">3</a><!-- x -- y --><a href="https://e.com/4">4</a>',
      out: '<!-- a --!><a href="https://t.example/c/0">1</a><!--><a href="https://t.example/c/1">2</a><!---><a href="https://t.example/c/2">3</a><!-- x -- y --><a href="https://t.example/c/3">4</a>',
      links: ["https://e.com/1", "https://e.com/2", "https://e.com/3", "https://e.com/4"],
    },
    {
      name: "a > inside a quoted value does not end the tag",
      html: '<a title="1 > 0" href="https://example.com/gt">x</a>',
      out: '<a title="1 > 0" href="https://t.example/c/0">x</a>',
      links: ["https://example.com/gt"],
    },
    {
      name: "the first of duplicate href attributes is the one browsers use",
      html: '<a href="https://example.com/first" href="https://example.com/second">x</a>',
      out: '<a href="https://t.example/c/0" href="https://example.com/second">x</a>',
      links: ["https://example.com/first"],
    },
    {
      name: "an attribute merely ending in href is not href",
      html: '<a data-href="https://example.com/no" xhref="https://example.com/no2">x</a>',
      out: '<a data-href="https://example.com/no" xhref="https://example.com/no2">x</a>',
      links: [],
    },
    {
      name: "other tags with href (link, area, base) and tags starting with a are untouched",
      html: '<link href="https://example.com/s.css"><area href="https://example.com/m"><abbr href="https://example.com/q">x</abbr>',
      out: '<link href="https://example.com/s.css"><area href="https://example.com/m"><abbr href="https://example.com/q">x</abbr>',
      links: [],
    },
    {
      name: "whitespace, tabs and newlines around and inside the URL are dropped, as the URL parser does",
      html: '<a href="  https://exa\nmple.com/ws\t ">x</a>',
      out: '<a href="https://t.example/c/0">x</a>',
      links: ["https://example.com/ws"],
    },
    {
      name: "self-closing slash and missing space between attributes",
      html: '<a href="https://example.com/sc"/><a class="a"href="https://example.com/ns">x</a>',
      out: '<a href="https://t.example/c/0"/><a class="a"href="https://t.example/c/1">x</a>',
      links: ["https://example.com/sc", "https://example.com/ns"],
    },
    {
      name: "href without value and empty href",
      html: '<a href>x</a><a href="">y</a><a href=>z</a>',
      out: '<a href>x</a><a href="">y</a><a href=>z</a>',
      links: [],
    },
    {
      name: "URLs without a host or that do not parse are not tracked; extra slashes parse as browsers do",
      html: '<a href="https://">a</a><a href="http://[::1">b</a><a href="https:///e.com/p">c</a>',
      out: '<a href="https://">a</a><a href="http://[::1">b</a><a href="https://t.example/c/0">c</a>',
      links: ["https:///e.com/p"],
    },
    {
      name: "indexes follow document order and repeated URLs get their own index",
      html: '<p><a href="https://example.com/x">1</a> <a href="https://example.com/y">2</a> <a href="https://example.com/x">3</a></p>',
      out: '<p><a href="https://t.example/c/0">1</a> <a href="https://t.example/c/1">2</a> <a href="https://t.example/c/2">3</a></p>',
      links: ["https://example.com/x", "https://example.com/y", "https://example.com/x"],
    },
    {
      name: "an unterminated tag at the end is left as text",
      html: '<a href="https://example.com/ok">ok</a><a href="https://example.com/cut',
      out: '<a href="https://t.example/c/0">ok</a><a href="https://example.com/cut',
      links: ["https://example.com/ok"],
    },
    {
      name: "doctype, processing instruction and CDATA are skipped",
      html: '<!DOCTYPE html><?xml version="1.0"?><![CDATA[<a href="https://example.com/cd">]]><a href="https://example.com/real">r</a>',
      out: '<!DOCTYPE html><?xml version="1.0"?><![CDATA[<a href="https://example.com/cd">]]><a href="https://t.example/c/0">r</a>',
      links: ["https://example.com/real"],
    },
    {
      name: "end tags of raw text elements must be real end tags",
      html: '<script>var s="</scripty>"; var a="<a href=\'https://example.com/in\'>";</SCRIPT ><a href="https://example.com/out">o</a>',
      out: '<script>var s="</scripty>"; var a="<a href=\'https://example.com/in\'>";</SCRIPT ><a href="https://t.example/c/0">o</a>',
      links: ["https://example.com/out"],
    },
    {
      name: "mixed-case scheme and non-ASCII text around",
      html: '<p>Grüße 👋</p><a href="HTTPS://Example.com/Ü?q=ä">ü</a>',
      out: '<p>Grüße 👋</p><a href="https://t.example/c/0">ü</a>',
      links: ["HTTPS://Example.com/Ü?q=ä"],
    },
  ];

  for (const c of cases) {
    it(c.name, () => {
      const result = rewriteLinks(c.html, track);
      expect(result.html).toBe(c.out);
      expect(result.links).toEqual(c.links);
    });
  }

  it("skips the links the skip option names (the unsubscribe link)", () => {
    const html = '<a href="https://example.com/a">a</a><a href="https://t.example/u/TOKEN">unsubscribe</a>';
    const result = rewriteLinks(html, track, { skip: (url) => url.startsWith("https://t.example/u/") });
    expect(result.html).toBe(
      '<a href="https://t.example/c/0">a</a><a href="https://t.example/u/TOKEN">unsubscribe</a>',
    );
    expect(result.links).toEqual(["https://example.com/a"]);
  });

  it("escapes the tracked URL it writes", () => {
    const result = rewriteLinks(
      '<a href="https://example.com/">x</a>',
      () => 'https://t.example/?a=1&b="2"<>',
    );
    expect(result.html).toBe('<a href="https://t.example/?a=1&amp;b=&quot;2&quot;&lt;&gt;">x</a>');
  });

  it("passes the decoded URL and its index to the callback", () => {
    const seen: [string, number][] = [];
    rewriteLinks("<a href=\"https://e.com/?a&amp;b\">1</a><a href='https://e.com/2'>2</a>", (url, i) => {
      seen.push([url, i]);
      return url;
    });
    expect(seen).toEqual([
      ["https://e.com/?a&b", 0],
      ["https://e.com/2", 1],
    ]);
  });

  it("findTrackableLinks lists the same links in the same order", () => {
    const html = '<a href="https://e.com/1">1</a><a href="mailto:x@y.z">m</a><a href="https://e.com/2">2</a>';
    expect(findTrackableLinks(html)).toEqual(rewriteLinks(html, track).links);
  });

  it("leaves any document unchanged apart from tracked hrefs", () => {
    const fragment = fc.oneof(
      fc.string(),
      fc.constantFrom(
        '<a href="https://e.com/x">',
        "<a href='http://e.com/y'>",
        "<a href=https://e.com/z>",
        "<A HREF=https://e.com/w>",
        "<!--",
        "-->",
        "<script>",
        "</script>",
        "<style>",
        '"',
        "'",
        "<",
        ">",
        "&amp;",
      ),
    );
    fc.assert(
      fc.property(fc.array(fragment, { maxLength: 30 }), (parts) => {
        const html = parts.join("");
        const identity = rewriteLinks(html, (url) => url);
        const tracked = rewriteLinks(html, (_url, i) => `https://t.example/c/${i}`);
        expect(tracked.links).toEqual(identity.links);
        // Undoing the rewrite of each tracked href gives back the input with only hrefs re-spelled.
        const restored = tracked.html.replace(/"https:\/\/t\.example\/c\/(\d+)"/g, (_m, i: string) => {
          return `"${identity.links[Number(i)]!.replace(/&/g, "&amp;").replace(/"/g, "&quot;")}"`;
        });
        expect(rewriteLinks(restored, (url) => url).links).toEqual(identity.links);
        expect(tracked.links.length).toBeLessThanOrEqual((html.match(/<a/gi) ?? []).length);
      }),
      { numRuns: 2000 },
    );
  });
});

describe("decorateHtml", () => {
  it("rewrites links and inserts before </body> in one pass, as the two steps in turn", () => {
    const fragment = fc.oneof(
      fc.string({ maxLength: 8 }),
      fc.constantFrom(
        '<a href="https://e.com/x">',
        "<a href=https://e.com/z>",
        '<a href="https://e.com/skip">',
        "</a>",
        "<body>",
        "</body>",
        "</BODY >",
        "<!--",
        "-->",
        "<script>",
        "</script>",
        '"',
        "<",
      ),
    );
    fc.assert(
      fc.property(fc.array(fragment, { maxLength: 30 }), fc.boolean(), (parts, withMarkup) => {
        const html = parts.join("");
        const skip = (url: string) => url.endsWith("/skip");
        const markup = withMarkup ? '<img src="p">' : undefined;
        const once = decorateHtml(html, { toTrackedUrl: track, skip, beforeBodyEnd: markup });
        const rewritten = rewriteLinks(html, track, { skip });
        expect(once.links).toEqual(rewritten.links);
        expect(once.html).toBe(
          markup === undefined ? rewritten.html : insertBeforeBodyEnd(rewritten.html, markup),
        );
      }),
      { numRuns: 2000 },
    );
  });

  it("places the markup before the last real </body> even when tracked links follow it", () => {
    const html = '<body><a href="https://e.com/1">1</a></body><a href="https://e.com/2">2</a>';
    expect(decorateHtml(html, { toTrackedUrl: track, beforeBodyEnd: "<i>" }).html).toBe(
      '<body><a href="https://t.example/c/0">1</a><i></body><a href="https://t.example/c/1">2</a>',
    );
  });
});
