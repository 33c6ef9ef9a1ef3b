import { describe, expect, it } from "vitest";
import { CadenzaError } from "../errors.js";
import { compileTemplate } from "./compile-template.js";
import { templateVariables } from "./template-variables.js";

function syntaxMessage(source: string): string {
  try {
    compileTemplate(source);
  } catch (error) {
    expect(error).toBeInstanceOf(CadenzaError);
    const e = error as CadenzaError;
    expect(e.code).toBe("TEMPLATE_SYNTAX");
    expect(e.issues).toHaveLength(1);
    expect(e.issues[0]!.path).toEqual([]);
    expect(e.issues[0]!.code).toBe("template_syntax");
    return e.issues[0]!.message;
  }
  throw new Error(`expected ${JSON.stringify(source)} not to compile`);
}

describe("compileTemplate", () => {
  it("parses text, variables, fallbacks and spins into parts with their source offsets", () => {
    const source = `Hi {{ first_name | "there" }}, {{spin: Hi | Hello}} {{hotel_name}}!`;
    const { parts } = compileTemplate(source);
    expect(parts.map((p) => source.slice(p.start, p.end))).toEqual([
      "Hi ",
      `{{ first_name | "there" }}`,
      ", ",
      "{{spin: Hi | Hello}}",
      " ",
      "{{hotel_name}}",
      "!",
    ]);
    expect(parts[1]).toMatchObject({ kind: "variable", name: "first_name", fallback: "there" });
    expect(parts[3]).toMatchObject({ kind: "spin", options: ["Hi", "Hello"], key: 0 });
    expect(parts[5]).toMatchObject({ kind: "variable", name: "hotel_name", fallback: null });
  });

  it("allows any whitespace, newlines included, inside the braces", () => {
    const { parts } = compileTemplate("{{\n  first_name\t|\n 'x'\n}}");
    expect(parts).toMatchObject([{ kind: "variable", name: "first_name", fallback: "x" }]);
  });

  it("reads single- and double-quoted fallbacks with escaped quotes and braces inside", () => {
    const parts = compileTemplate(`{{a | 'it\\'s'}}{{b | "say \\"hi\\""}}{{c | "a}}b"}}{{d | ""}}`).parts;
    expect(parts.map((p) => (p.kind === "variable" ? p.fallback : null))).toEqual([
      "it's",
      'say "hi"',
      "a}}b",
      "",
    ]);
  });

  it("numbers spins in order and trims their options", () => {
    const { parts } = compileTemplate("{{ spin : a |b}} {{spin:c| d |e }}");
    expect(parts.filter((p) => p.kind === "spin")).toMatchObject([
      { options: ["a", "b"], key: 0 },
      { options: ["c", "d", "e"], key: 1 },
    ]);
  });

  it("prints \\{{ as a literal {{ and leaves a stray }} alone", () => {
    const { parts } = compileTemplate("Use \\{{first_name}} in templates }} ok");
    expect(parts).toEqual([
      { kind: "text", text: "Use {{first_name}} in templates }} ok", start: 0, end: 38 },
    ]);
  });

  it("reports an unclosed brace with its line and column", () => {
    expect(syntaxMessage("Hello\n  {{first_name, welcome")).toBe('Unclosed "{{" at line 2, column 3');
    expect(syntaxMessage("{{first_name {{last_name}}")).toBe('Unclosed "{{" at line 1, column 1');
    expect(syntaxMessage("ok\n{{spin: a | b")).toBe('Unclosed "{{" at line 2, column 1');
  });

  it("reports empty and invalid variable names", () => {
    expect(syntaxMessage("Hi {{ }}")).toBe("Empty variable name at line 1, column 4");
    expect(syntaxMessage('{{ | "x"}}')).toBe("Empty variable name at line 1, column 1");
    expect(syntaxMessage("{{first name}}")).toMatch(
      /^Invalid variable name "first name" .* at line 1, column 1$/,
    );
    expect(syntaxMessage("{{1st}}")).toMatch(/^Invalid variable name "1st"/);
    expect(syntaxMessage("{{{name}}}")).toMatch(/^Invalid variable name "\{name"/);
  });

  it("reports bad fallback quoting where the fallback starts", () => {
    expect(syntaxMessage("{{first_name | there}}")).toBe(
      'A fallback must be a quoted string, like {{first_name | "there"}} at line 1, column 16',
    );
    expect(syntaxMessage(`{{first_name | "there}}`)).toBe(
      "Unterminated fallback string at line 1, column 16",
    );
    expect(syntaxMessage(`{{first_name | "there' }}`)).toBe(
      "Unterminated fallback string at line 1, column 16",
    );
    expect(syntaxMessage(`{{first_name | "a" "b"}}`)).toBe(
      'Expected "}}" after the fallback string at line 1, column 20',
    );
  });

  it("reports empty spins and empty spin options", () => {
    expect(syntaxMessage("x {{spin:}}")).toBe(
      "Empty spin: give options like {{spin: Hi | Hello}} at line 1, column 3",
    );
    expect(syntaxMessage("{{spin: Hi | | Hey}}")).toBe("Spin option 2 is empty at line 1, column 1");
  });
});

describe("templateVariables", () => {
  it("lists each variable once, in order, needing a value if any use lacks a fallback", () => {
    const t = compileTemplate(
      `{{first_name | "there"}} {{hotel_name}} {{city | "x"}} {{city}} {{first_name | "y"}}`,
    );
    expect(templateVariables(t)).toEqual([
      { name: "first_name", hasFallback: true },
      { name: "hotel_name", hasFallback: false },
      { name: "city", hasFallback: false },
    ]);
  });

  it("does not count spins or escaped braces as variables", () => {
    expect(templateVariables(compileTemplate("{{spin: a | b}} \\{{first_name}}"))).toEqual([]);
  });
});
