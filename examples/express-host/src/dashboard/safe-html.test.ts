import { describe, expect, it } from "vitest";
import { html } from "./safe-html.js";

describe("html", () => {
  it("escapes every interpolated text for content and quoted attributes", () => {
    const hostile = `"><script>alert('x')</script>&`;
    expect(html`<td title="${hostile}">${hostile}</td>`.markup).toBe(
      '<td title="&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;">&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;</td>',
    );
  });

  it("keeps markup built by html, joins lists, and leaves out null, undefined and false", () => {
    const rows = ["<a>", "b"].map((cell) => html`<td>${cell}</td>`);
    expect(html`<tr>${rows}${null}${undefined}${false}${0}</tr>`.markup).toBe(
      "<tr><td>&lt;a&gt;</td><td>b</td>0</tr>",
    );
  });

  it("does not take a string that looks like markup as markup", () => {
    expect(html`${"<b>bold</b>"}`.markup).toBe("&lt;b&gt;bold&lt;/b&gt;");
  });
});
