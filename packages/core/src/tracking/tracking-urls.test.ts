import { describe, expect, it } from "vitest";
import { createTrackingUrls } from "./tracking-urls.js";

describe("createTrackingUrls", () => {
  it("builds the routes under a custom tracking domain and path", () => {
    const urls = createTrackingUrls("https://track.example.com/t/");
    expect(urls.open("T")).toBe("https://track.example.com/t/open/T");
    expect(urls.click("T")).toBe("https://track.example.com/t/click/T");
    expect(urls.unsubscribe("T")).toBe("https://track.example.com/t/unsubscribe/T");
  });

  it("refuses a base URL that is not http(s) or carries a query", () => {
    expect(() => createTrackingUrls("ftp://x.example")).toThrow(
      expect.objectContaining({ code: "VALIDATION" }),
    );
    expect(() => createTrackingUrls("https://x.example/?a=1")).toThrow(
      expect.objectContaining({ code: "VALIDATION" }),
    );
  });
});
