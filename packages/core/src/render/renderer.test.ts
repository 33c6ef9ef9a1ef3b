import { describe, expect, it } from "vitest";
import { CadenzaError } from "../errors.js";
import type { EmailContent } from "./compile-email.js";
import { createRenderer } from "./renderer.js";

const subject = "Quick question about {{hotel_name}}";

/** One realistic step in each format: two paragraphs, a button, four variables. */
const step: Record<EmailContent["format"], EmailContent> = {
  text: {
    format: "text",
    subject,
    body: `Hi {{first_name | "there"}},

I noticed {{hotel_name}} in {{city}} has great reviews. We help independent hotels fill rooms in the off season.
Would a 15-minute call next week work? Pick a time: https://cal.example.com/sam/15min.

Best,
Sam

Unsubscribe: {{unsubscribe_url}}`,
  },
  html: {
    format: "html",
    subject,
    body: `<p>Hi {{first_name | "there"}},</p>
<p>I noticed {{hotel_name}} in {{city}} has great reviews. We help independent hotels fill rooms in the off season.</p>
<p><a href="https://cal.example.com/sam/15min" style="background:#2563eb;color:#fff;padding:10px 16px;border-radius:4px;text-decoration:none">Book a 15-minute call</a></p>
<p style="font-size:12px"><a href="{{unsubscribe_url}}">Unsubscribe</a></p>`,
  },
  mjml: {
    format: "mjml",
    subject,
    body: `<mjml>
  <mj-head>
    <mj-preview>A quick idea for {{hotel_name}}</mj-preview>
  </mj-head>
  <mj-body>
    <mj-section>
      <mj-column>
        <mj-text>Hi {{first_name | "there"}},</mj-text>
        <mj-text>I noticed {{hotel_name}} in {{city}} has great reviews. We help independent hotels fill rooms in the off season.</mj-text>
        <mj-button href="https://cal.example.com/sam/15min" background-color="#2563eb">Book a 15-minute call</mj-button>
        <mj-text font-size="12px"><a href="{{unsubscribe_url}}">Unsubscribe</a></mj-text>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>`,
  },
};

const values = {
  first_name: "Jane",
  hotel_name: "Harbor View Hotel",
  city: "Lisbon",
  unsubscribe_url: "https://t.example.com/u/abc123",
};

const formats = ["text", "html", "mjml"] as const;

async function rendered(content: EmailContent, v: Record<string, string | null> = values, seed = "lead-1") {
  const renderer = createRenderer();
  const result = renderer.render(await renderer.compile(content), v, { seed });
  if (!result.ok) throw new Error(`missing ${result.missing.join(", ")}`);
  return result;
}

async function compileError(content: EmailContent): Promise<CadenzaError> {
  const error = await createRenderer()
    .compile(content)
    .then(
      () => null,
      (e: unknown) => e,
    );
  if (error instanceof CadenzaError) return error;
  throw new Error(`expected a CadenzaError, got ${String(error)}`);
}

describe.each(formats)("a %s step", (format) => {
  it("renders subject, HTML and text as expected", async () => {
    const result = await rendered(step[format]);
    expect(result.subject).toBe("Quick question about Harbor View Hotel");
    expect(result.variables).toEqual(["hotel_name", "first_name", "city", "unsubscribe_url"]);
    expect(result.html).toMatchSnapshot("html");
    expect(result.text).toMatchSnapshot("text");
  });

  it("keeps the button or link readable in the text part", async () => {
    const { text } = await rendered(step[format]);
    expect(text).toContain("Hi Jane,");
    expect(text).toContain("https://cal.example.com/sam/15min");
    expect(text).not.toMatch(/<|\{\{|cdz[0-9a-z]+x\d+x/i);
    expect(text).not.toContain("A quick idea for"); // MJML preview text stays out of the body
  });

  it("HTML-escapes values in the HTML part only, never in the text part or subject", async () => {
    const nasty = { ...values, hotel_name: `<script>alert("x")</script> "Ocean" & Co`, city: "O'Neil" };
    const result = await rendered(step[format], nasty);
    expect(result.html).toContain(
      "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &quot;Ocean&quot; &amp; Co",
    );
    expect(result.html).toContain("O&#39;Neil");
    expect(result.html).not.toContain("<script>");
    expect(result.text).toContain(`<script>alert("x")</script> "Ocean" & Co`);
    expect(result.subject).toBe(`Quick question about <script>alert("x")</script> "Ocean" & Co`);
  });

  it("collapses CR/LF in subject values so no header can be injected", async () => {
    const result = await rendered(step[format], { ...values, hotel_name: "Bob\r\nBcc: x@y\n\tz\u0000" });
    expect(result.subject).toBe("Quick question about Bob Bcc: x@y z");
    expect(result.subject).not.toMatch(/[\r\n]/);
  });

  it("reports missing variables instead of rendering braces or gaps", async () => {
    const renderer = createRenderer();
    const compiled = await renderer.compile(step[format]);
    expect(renderer.render(compiled, { ...values, city: "  ", hotel_name: null }, { seed: "s" })).toEqual({
      ok: false,
      missing: ["hotel_name", "city"],
    });
    const result = renderer.render(compiled, { ...values, first_name: null }, { seed: "s" });
    expect(result).toMatchObject({ ok: true });
    if (!result.ok) return;
    expect(result.html).toContain("Hi there,");
    expect(result.text).toContain("Hi there,");
    for (const out of [result.subject, result.html, result.text]) expect(out).not.toContain("{{");
  });
});

describe("text bodies", () => {
  it("turns URL values outside links into links, and keeps values inside typed URLs in the link", async () => {
    const body = "Book: {{booking_url}}\nProfile: https://example.com/hotels/{{slug}}?ref=mail";
    const { html } = await rendered(
      { format: "text", subject: "x", body },
      {
        booking_url: "https://cal.example.com/jane?a=1&b=2",
        slug: "harbor-view",
      },
    );
    expect(html).toContain(
      'Book: <a href="https://cal.example.com/jane?a=1&amp;b=2">https://cal.example.com/jane?a=1&amp;b=2</a><br>',
    );
    expect(html).toContain(
      'Profile: <a href="https://example.com/hotels/harbor-view?ref=mail">https://example.com/hotels/harbor-view?ref=mail</a>',
    );
  });

  it("leaves sentence punctuation and unopened parentheses outside links", async () => {
    const body = "See https://example.com/a. Or (https://en.wikipedia.org/wiki/Inn_(hotel)).";
    const { html } = await rendered({ format: "text", subject: "x", body }, {});
    expect(html).toContain('See <a href="https://example.com/a">https://example.com/a</a>. Or (');
    expect(html).toContain(
      '<a href="https://en.wikipedia.org/wiki/Inn_(hotel)">https://en.wikipedia.org/wiki/Inn_(hotel)</a>).',
    );
  });

  it("escapes markup the author typed in a text body", async () => {
    const { html, text } = await rendered({ format: "text", subject: "x", body: "a <b>bold</b> & more" }, {});
    expect(html).toContain("<p>a &lt;b&gt;bold&lt;/b&gt; &amp; more</p>");
    expect(text).toBe("a <b>bold</b> & more");
  });
});

describe("html bodies", () => {
  it("leaves a full document as written", async () => {
    const body =
      "<!DOCTYPE html><html><head><title>x</title></head><body><p>Hi {{first_name}}</p></body></html>";
    const { html, text } = await rendered({ format: "html", subject: "x", body });
    expect(html).toBe(body.replace("{{first_name}}", "Jane"));
    expect(text).toBe("Hi Jane");
  });

  it("adds a body to a document that has none", async () => {
    const body = "<html><head><style>p{color:red}</style></head><p>Hi</p></html>";
    const { html, text } = await rendered({ format: "html", subject: "x", body }, {});
    expect(html).toBe("<html><head><style>p{color:red}</style></head>\n<body>\n<p>Hi</p>\n</body>\n</html>");
    expect(text).toBe("Hi");
  });
});

describe("spintax", () => {
  const content: EmailContent = {
    format: "mjml",
    subject: "{{spin: Quick question | A thought | An idea}} for {{hotel_name}}",
    body: `<mjml><mj-body><mj-section><mj-column>
      <mj-text>{{spin: Hi | Hello | Hey}} {{first_name}},</mj-text>
      <mj-button href="https://example.com/{{spin: a | b}}">Go</mj-button>
    </mj-column></mj-section></mj-body></mjml>`,
  };

  it("survives the MJML compile and prints the same option in HTML and text", async () => {
    const renderer = createRenderer();
    const compiled = await renderer.compile(content);
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const result = renderer.render(compiled, values, { seed: `lead-${i}` });
      if (!result.ok) throw new Error("unexpected missing values");
      const greeting = result.text.match(/^(Hi|Hello|Hey) Jane,/)![1]!;
      const path = result.text.match(/https:\/\/example\.com\/(a|b)/)![1]!;
      expect(result.html).toContain(`${greeting} Jane,`);
      expect(result.html).toContain(`href="https://example.com/${path}"`);
      expect(result.subject).toMatch(/^(Quick question|A thought|An idea) for Harbor View Hotel$/);
      seen.add(greeting);
    }
    expect([...seen].sort()).toEqual(["Hello", "Hey", "Hi"]);
  });

  it("prints the same email for the same seed", async () => {
    const renderer = createRenderer();
    const compiled = await renderer.compile(content);
    const once = renderer.render(compiled, values, { seed: "lead-9" });
    expect(renderer.render(compiled, values, { seed: "lead-9" })).toEqual(once);
  });
});

describe("compile errors", () => {
  it("names the MJML line of each validation error", async () => {
    const body = `<mjml>
  <mj-body>
    <mj-section>
      <mj-column>
        <mj-text foo="1">{{first_name}}</mj-text>
        <mj-button color="nope">Go</mj-button>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>`;
    const error = await compileError({ format: "mjml", subject: "x", body });
    expect(error.code).toBe("MJML_INVALID");
    expect(error.issues).toEqual([
      { path: [], message: "line 5: Attribute foo is illegal", code: "mjml" },
      { path: [], message: "line 6: Attribute color has invalid value: nope for type Color", code: "mjml" },
    ]);
  });

  it("counts lines in the source even after a tag that spans lines", async () => {
    const body = `<mjml><mj-body><mj-section><mj-column>
<mj-text>{{first_name
  | "there"}}</mj-text>
<mj-text>ok</mj-text>
<mj-text bogus="1">x</mj-text>
</mj-column></mj-section></mj-body></mjml>`;
    const error = await compileError({ format: "mjml", subject: "x", body });
    expect(error.issues.map((i) => i.message)).toEqual(["line 5: Attribute bogus is illegal"]);
  });

  it("rejects documents MJML cannot read or that have no body", async () => {
    const notMjml = await compileError({ format: "mjml", subject: "x", body: "just text" });
    expect(notMjml.code).toBe("MJML_INVALID");
    expect(notMjml.issues[0]!.message).toMatch(/^line 1: the document has no <mj-body>/);
    const misplaced = await compileError({
      format: "mjml",
      subject: "x",
      body: "<mjml><mj-body><mj-section><mj-text>x</mj-text></mj-section></mj-body></mjml>",
    });
    expect(misplaced.issues[0]!.message).toMatch(/^line 1: mj-text cannot be used inside mj-section/);
  });

  it("reports template syntax errors with the field they are in", async () => {
    const inSubject = await compileError({ format: "text", subject: "Hi {{first_name", body: "x" });
    expect(inSubject.code).toBe("TEMPLATE_SYNTAX");
    expect(inSubject.issues[0]!.path).toEqual(["subject"]);
    const inBody = await compileError({ format: "mjml", subject: "x", body: "<mjml>\n{{spin:}}</mjml>" });
    expect(inBody.issues[0]).toMatchObject({
      path: ["body"],
      message: expect.stringContaining("line 2, column 1"),
    });
  });
});

describe("the compile cache", () => {
  it("returns the same compiled email for the same content, concurrently too", async () => {
    const renderer = createRenderer();
    const [a, b] = await Promise.all([renderer.compile(step.mjml), renderer.compile({ ...step.mjml })]);
    expect(a).toBe(b);
    expect(await renderer.compile(step.mjml)).toBe(a);
    expect(await renderer.compile({ ...step.mjml, subject: "Other" })).not.toBe(a);
    expect(await renderer.compile({ ...step.mjml, format: "html" })).not.toBe(a);
  });

  it("drops the least recently used entry beyond its size", async () => {
    const renderer = createRenderer({ maxCacheEntries: 2 });
    const content = (n: number): EmailContent => ({ format: "text", subject: `s${n}`, body: "b" });
    const one = await renderer.compile(content(1));
    const two = await renderer.compile(content(2));
    expect(await renderer.compile(content(1))).toBe(one);
    await renderer.compile(content(3));
    expect(await renderer.compile(content(1))).toBe(one);
    expect(await renderer.compile(content(2))).not.toBe(two);
  });

  it("does not keep failed compiles", async () => {
    const renderer = createRenderer();
    const bad: EmailContent = { format: "text", subject: "{{", body: "x" };
    await expect(renderer.compile(bad)).rejects.toThrow(CadenzaError);
    await expect(renderer.compile(bad)).rejects.toThrow(CadenzaError);
  });

  it("validates content and reports its errors", async () => {
    const renderer = createRenderer();
    await expect(renderer.validate(step.mjml)).resolves.toBeUndefined();
    await expect(
      renderer.validate({ format: "mjml", subject: "x", body: "<mjml></mjml>" }),
    ).rejects.toMatchObject({
      code: "MJML_INVALID",
    });
  });
});
