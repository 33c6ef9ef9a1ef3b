import { describe, expect, it } from "vitest";
import {
  createTokenSigner,
  createTrackingUrls,
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
