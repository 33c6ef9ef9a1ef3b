import { describe, expect, it } from "vitest";
import { createRenderer, type EmailSegment } from "../render/index.js";
import { planDecoration } from "../tracking/decoration-plan.js";
import {
  createTokenSigner,
  createTrackingUrls,
  escapeHtml,
  injectOpenPixel,
  insertBeforeBodyEnd,
  listUnsubscribeHeaders,
  rewriteLinks,
  unsubscribeFooter,
} from "../tracking/index.js";
import { createTrackingLinks, type TrackingOptions } from "./tracking-links.js";

const SECRET = "a-test-secret-that-is-long-enough-0123";
const EMAIL = "0192f0c4-3b7a-7cde-8f00-1234567890ab";
const HTML =
  '<html><head><style>a{}</style></head><body><p>Hi</p><a href="https://example.com/a">a</a>' +
  '<!-- </body> --><a href="mailto:x@example.com">m</a><a href="https://example.com/b?x=1&amp;y=2">b</a>' +
  '<a href="{{unsub}}">unsubscribe</a></body></html>';

/** `HTML` as a compiled body: its literal markup around one placeholder, `{{unsub}}`. */
function segmentsOf(linkify: boolean): EmailSegment[] {
  const [before, after] = HTML.split("{{unsub}}") as [string, string];
  const part = { kind: "variable", name: "unsub", fallback: null, start: 0, end: 9 } as const;
  return [before, { part, linkify }, after];
}

/** What decorating meant before it was one pass: footer, then links rewritten, then the pixel. */
async function decoratedStepByStep(
  options: TrackingOptions,
  flags: { trackOpens: boolean; trackClicks: boolean },
) {
  const signer = createTokenSigner(options.secrets);
  const urls = createTrackingUrls(options.baseUrl);
  const unsubscribeUrl = urls.unsubscribe(await signer.sign({ kind: "unsubscribe", emailId: EMAIL }));
  let html = HTML.replace("{{unsub}}", unsubscribeUrl);
  let text = "Hi";
  if (options.footer) {
    const footer = { postalAddress: options.footer.postalAddress, unsubscribeUrl };
    html = insertBeforeBodyEnd(html, unsubscribeFooter({ ...footer, format: "html" }));
    text = `${text}\n\n${unsubscribeFooter({ ...footer, format: "text" })}`;
  }
  let links: string[] = [];
  if (flags.trackClicks) {
    const skip = (url: string) => url === unsubscribeUrl;
    links = rewriteLinks(html, (url) => url, { skip }).links;
    const tokens = await Promise.all(
      links.map((_, linkIndex) => signer.sign({ kind: "click", emailId: EMAIL, linkIndex })),
    );
    html = rewriteLinks(html, (_url, index) => urls.click(tokens[index]!), { skip }).html;
  }
  if (flags.trackOpens)
    html = injectOpenPixel(html, urls.open(await signer.sign({ kind: "open", emailId: EMAIL })));
  return { unsubscribeUrl, html, text, links };
}

describe("tracking links of an email", () => {
  const base: TrackingOptions = { baseUrl: "https://t.example.com/t", secrets: [SECRET] };
  const variants: { name: string; options: TrackingOptions }[] = [
    { name: "without a footer", options: base },
    { name: "with a footer", options: { ...base, footer: { postalAddress: "  Acme & Co\n1 Main St  " } } },
  ];
  for (const { name, options } of variants) {
    for (const trackOpens of [false, true]) {
      for (const trackClicks of [false, true]) {
        it(`decorates in one pass exactly as footer, link rewrite and pixel did in turn (${name}, opens ${trackOpens}, clicks ${trackClicks})`, async () => {
          const expected = await decoratedStepByStep(options, { trackOpens, trackClicks });
          const links = createTrackingLinks(options).linksFor(EMAIL);
          expect(links.unsubscribeUrl).toBe(expected.unsubscribeUrl);
          const decorated = links.decorate(
            { html: HTML.replace("{{unsub}}", links.unsubscribeUrl), text: "Hi" },
            { trackOpens, trackClicks },
          );
          expect(decorated).toEqual({ html: expected.html, text: expected.text, links: expected.links });
          // The same from the compiled body's segments and printed values, planned once.
          for (const linkify of [false, true]) {
            const fromParts = links.decorate(
              {
                html: HTML.replace("{{unsub}}", links.unsubscribeUrl),
                text: "Hi",
                parts: { segments: segmentsOf(linkify), values: [escapeHtml(links.unsubscribeUrl)] },
              },
              { trackOpens, trackClicks },
            );
            expect(fromParts).toEqual(decorated);
          }
        });
      }
    }
  }

  it("builds the List-Unsubscribe headers as listUnsubscribeHeaders does", () => {
    const links = createTrackingLinks({ ...base, unsubscribeMailto: "unsub@example.com" }).linksFor(EMAIL);
    expect(links.headers).toEqual(
      listUnsubscribeHeaders({ url: links.unsubscribeUrl, mailto: "unsub@example.com" }),
    );
    const plain = createTrackingLinks(base).linksFor(EMAIL);
    expect(plain.headers).toEqual(listUnsubscribeHeaders({ url: plain.unsubscribeUrl }));
  });

  it("refuses a blank footer address or a bad mailto when the engine is built, naming the field", () => {
    expect(() => createTrackingLinks({ ...base, footer: { postalAddress: "  " } })).toThrow(
      expect.objectContaining({
        code: "VALIDATION",
        issues: [expect.objectContaining({ path: ["tracking", "footer", "postalAddress"] })],
      }),
    );
    expect(() => createTrackingLinks({ ...base, unsubscribeMailto: "not an address" })).toThrow(
      expect.objectContaining({
        code: "VALIDATION",
        issues: [expect.objectContaining({ path: ["tracking", "unsubscribeMailto"] })],
      }),
    );
  });
});

describe("decorating a compiled MJML email", () => {
  it("plans the body once and decorates each lead's email exactly as a scan of it would", async () => {
    const renderer = createRenderer();
    const compiled = await renderer.compile({
      format: "mjml",
      subject: "Hi {{first_name}}",
      body: `<mjml><mj-body><mj-section><mj-column>
        <mj-text>Hi {{first_name}}, how does {{company}} handle group bookings?</mj-text>
        <mj-button href="https://cal.example.com/{{first_name}}/intro">Pick a time</mj-button>
        <mj-text><a href="https://example.com/static">More</a> · <a href="{{unsubscribe_url}}">Unsubscribe</a></mj-text>
      </mj-column></mj-section></mj-body></mjml>`,
    });
    const segments = compiled.html.map((s) => (typeof s === "string" ? s : null));
    expect(planDecoration(segments)).not.toBeNull();

    const tracking = createTrackingLinks({ baseUrl: "https://t.example.com/t", secrets: [SECRET] });
    for (const [firstName, company] of [
      ["Ana", "Harbor & Sons"],
      ['"><a href="https://evil.example">', "<b>"],
      ["A", "B"],
    ]) {
      const links = tracking.linksFor(EMAIL);
      const rendered = renderer.render(
        compiled,
        { first_name: firstName, company, unsubscribe_url: links.unsubscribeUrl },
        { seed: "lead" },
      );
      if (!rendered.ok) throw new Error("rendering failed");
      const flags = { trackOpens: true, trackClicks: true };
      const scanned = links.decorate({ html: rendered.html, text: rendered.text }, flags);
      const planned = links.decorate(
        { ...rendered, parts: { segments: compiled.html, values: rendered.htmlValues } },
        flags,
      );
      expect(planned).toEqual(scanned);
      expect(planned.links).toEqual([
        // The href holds the value escaped; decoded, the link is the value as given.
        `https://cal.example.com/${firstName}/intro`,
        "https://example.com/static",
      ]);
    }
  });
});
