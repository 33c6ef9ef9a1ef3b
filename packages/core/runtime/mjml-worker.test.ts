import { describe, expect, it } from "vitest";
import { CadenzaError } from "../src/errors.js";
import { createRenderer } from "../src/render/index.js";
import { mjmlWorker } from "./index.js";

const body = `<mjml><mj-body><mj-section><mj-column>
  <mj-text>Hi {{first_name}},</mj-text>
  <mj-button href="https://cal.example.com/ana">Pick a time</mj-button>
</mj-column></mj-section></mj-body></mjml>`;

describe("mjml in a worker thread", () => {
  it("compiles to the same email as mjml in the process", async () => {
    const content = { format: "mjml" as const, subject: "Hi {{first_name}}", body };
    const values = { first_name: "Ana" };
    const inWorker = createRenderer({ mjml: mjmlWorker() });
    const inProcess = createRenderer();
    const a = inWorker.render(await inWorker.compile(content), values, { seed: "l" });
    const b = inProcess.render(await inProcess.compile(content), values, { seed: "l" });
    expect(a.ok && a.html.includes("Hi Ana,")).toBe(true);
    expect(a).toEqual(b);
  });

  it("fails an invalid document with MJML_INVALID naming its source line", async () => {
    const invalid = body.replace("<mj-text>", '<mj-text padding="nonsense">');
    const error = await createRenderer({ mjml: mjmlWorker() })
      .compile({ format: "mjml", subject: "Hi", body: invalid })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CadenzaError);
    expect((error as CadenzaError).code).toBe("MJML_INVALID");
    expect((error as CadenzaError).issues[0]?.message).toMatch(/^line 2: /);
  });

  it("fails a document mjml cannot read, with mjml's own message", async () => {
    const error = await createRenderer({ mjml: mjmlWorker() })
      .compile({ format: "mjml", subject: "Hi", body: "<mj-body><mj-text>Hi</mj-text></mj-body>" })
      .catch((e: unknown) => e);
    expect((error as CadenzaError).code).toBe("MJML_INVALID");
    expect((error as CadenzaError).issues[0]?.message).toMatch(/^line 1: Malformed MJML/);
  });
});
