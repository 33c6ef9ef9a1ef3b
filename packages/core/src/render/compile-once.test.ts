import mjml2html from "mjml";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { createRenderer } from "./renderer.js";

// The real compiler, wrapped to count its calls.
vi.mock("mjml", async (importOriginal) => {
  const real = (await importOriginal<{ default: typeof mjml2html }>()).default;
  return { default: vi.fn(real) };
});

const mjmlCalls = vi.mocked(mjml2html);

const content = {
  format: "mjml" as const,
  subject: "Quick question about {{hotel_name}}",
  body: `<mjml><mj-body><mj-section><mj-column>
    <mj-text>{{spin: Hi | Hello}} {{first_name | "there"}}, about {{hotel_name}}.</mj-text>
    <mj-button href="https://cal.example.com/sam">Book a call</mj-button>
  </mj-column></mj-section></mj-body></mjml>`,
};

describe("MJML compile once", () => {
  beforeEach(() => {
    mjmlCalls.mockClear();
  });

  it("calls mjml once for many leads of the same content", async () => {
    const renderer = createRenderer();
    const htmls = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const compiled = await renderer.compile({ ...content });
      const result = renderer.render(
        compiled,
        { first_name: `Lead${i}`, hotel_name: "Harbor View" },
        { seed: `${i}` },
      );
      if (!result.ok) throw new Error("unexpected missing values");
      htmls.add(result.html);
    }
    expect(htmls.size).toBe(50);
    expect(mjmlCalls).toHaveBeenCalledTimes(1);
  });

  it("shares one mjml call between concurrent compiles of the same content", async () => {
    const renderer = createRenderer();
    await Promise.all(Array.from({ length: 10 }, () => renderer.compile(content)));
    expect(mjmlCalls).toHaveBeenCalledTimes(1);
  });

  it("compiles again for different content, and never for text or html", async () => {
    const renderer = createRenderer();
    await renderer.compile(content);
    await renderer.compile({ ...content, body: content.body.replace("Book a call", "Book") });
    await renderer.compile({ format: "html", subject: "x", body: "<p>{{first_name}}</p>" });
    await renderer.compile({ format: "text", subject: "x", body: "{{first_name}}" });
    expect(mjmlCalls).toHaveBeenCalledTimes(2);
  });

  it("validates without caching: each validation compiles", async () => {
    const renderer = createRenderer();
    await renderer.validate(content);
    await renderer.validate(content);
    expect(mjmlCalls).toHaveBeenCalledTimes(2);
    await renderer.compile(content);
    expect(mjmlCalls).toHaveBeenCalledTimes(3);
  });

  it("never hands mjml the template syntax, only tokens, with includes ignored", async () => {
    await createRenderer().compile(content);
    const [source, options] = mjmlCalls.mock.calls[0]!;
    expect(source).not.toContain("{{");
    expect(options).toMatchObject({ ignoreIncludes: true });
  });
});
