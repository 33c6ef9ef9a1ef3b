import { describe, expect, it } from "vitest";
import { injectOpenPixel, insertBeforeBodyEnd } from "./open-pixel.js";

const PIXEL =
  '<img src="https://t.example/open/T?a=1&amp;b=2" width="1" height="1" alt="" ' +
  'style="display:none;width:1px;height:1px;max-height:1px;overflow:hidden;border:0;margin:0;padding:0">';

describe("injectOpenPixel", () => {
  it("puts the pixel just before </body>, escaping its URL", () => {
    expect(injectOpenPixel("<html><body><p>Hi</p></body></html>", "https://t.example/open/T?a=1&b=2")).toBe(
      `<html><body><p>Hi</p>${PIXEL}</body></html>`,
    );
  });

  it("finds an uppercase or spaced </BODY >", () => {
    expect(injectOpenPixel("<BODY>x</BODY >", "https://t.example/open/T?a=1&b=2")).toBe(
      `<BODY>x${PIXEL}</BODY >`,
    );
  });

  it("uses the last real </body>, not one in a comment or script", () => {
    const html = "<body>a<!-- </body> --><script>'</body>'</script>b</body>";
    expect(injectOpenPixel(html, "https://t.example/open/T?a=1&b=2")).toBe(
      `<body>a<!-- </body> --><script>'</body>'</script>b${PIXEL}</body>`,
    );
  });

  it("appends the pixel to a fragment without </body>", () => {
    expect(injectOpenPixel("<p>Hi</p>", "https://t.example/open/T?a=1&b=2")).toBe(`<p>Hi</p>${PIXEL}`);
  });

  it("insertBeforeBodyEnd places any markup the same way", () => {
    expect(insertBeforeBodyEnd("<body>x</body>", "<footer>f</footer>")).toBe(
      "<body>x<footer>f</footer></body>",
    );
  });
});
