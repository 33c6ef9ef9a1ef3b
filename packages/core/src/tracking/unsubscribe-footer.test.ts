import { describe, expect, it } from "vitest";
import { rewriteLinks } from "./rewrite-links.js";
import { listUnsubscribeHeaders, unsubscribeFooter } from "./unsubscribe-footer.js";

const URL_ = "https://t.example/unsubscribe/TOKEN";

describe("unsubscribeFooter", () => {
  it("writes a text footer with the postal address and the unsubscribe URL", () => {
    expect(
      unsubscribeFooter({
        postalAddress: "Acme Ltd\n1 Main St, Springfield",
        unsubscribeUrl: URL_,
        format: "text",
      }),
    ).toBe(`\n\nAcme Ltd\n1 Main St, Springfield\nUnsubscribe: ${URL_}\n`);
  });

  it("writes an HTML footer that escapes the address and is never click-tracked", () => {
    const html = unsubscribeFooter({
      postalAddress: "Smith & <Sons>\n1 Main St",
      unsubscribeUrl: `${URL_}?a=1&b=2`,
      format: "html",
      label: "Se désinscrire",
    });
    expect(html).toContain("Smith &amp; &lt;Sons&gt;<br>1 Main St<br>");
    expect(html).toContain(`href="${URL_}?a=1&amp;b=2" data-cadenza-notrack`);
    expect(html).toContain(">Se désinscrire</a>");
    expect(rewriteLinks(html, () => "https://tracked").links).toEqual([]);
  });

  it("refuses a missing address or a non-http URL", () => {
    expect(() => unsubscribeFooter({ postalAddress: " ", unsubscribeUrl: URL_, format: "text" })).toThrow(
      expect.objectContaining({ code: "VALIDATION" }),
    );
    expect(() =>
      unsubscribeFooter({ postalAddress: "Acme", unsubscribeUrl: "javascript:alert(1)", format: "html" }),
    ).toThrow(expect.objectContaining({ code: "VALIDATION" }));
  });
});

describe("listUnsubscribeHeaders", () => {
  it("gives the RFC 8058 one-click pair, with an optional mailto", () => {
    expect(listUnsubscribeHeaders({ url: URL_ })).toEqual({
      "List-Unsubscribe": `<${URL_}>`,
      "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    });
    expect(listUnsubscribeHeaders({ url: URL_, mailto: "unsub@example.com" })["List-Unsubscribe"]).toBe(
      `<${URL_}>, <mailto:unsub@example.com?subject=unsubscribe>`,
    );
  });
});
