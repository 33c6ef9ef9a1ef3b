import { escapeHtml } from "./escape-html.js";
import { hashString } from "./string-hash.js";
import type { CompiledTemplate, TemplatePart } from "./template-part.js";

/** Values a template is rendered with, by variable name. Null, undefined and blank mean missing. */
export type TemplateValues = Readonly<Record<string, string | null | undefined>>;

export interface RenderTemplateOptions {
  /** `html` escapes `& < > " '` in printed values, fallbacks and spin options; `none` prints them raw. */
  escape: "html" | "none";
  /** Picks spin options: the same seed always picks the same ones (e.g. a lead id). */
  seed: string;
}

export type RenderTemplateResult = { ok: true; value: string } | { ok: false; missing: string[] };

/**
 * Renders a compiled template with values. Fails, listing the variables, when a value is missing
 * (null, undefined or blank) for a variable without fallback: it never prints a gap.
 *
 * ```ts
 * const t = compileTemplate("{{spin: Hi | Hello}} {{first_name}}");
 * renderTemplate(t, { first_name: "Jane" }, { escape: "html", seed: "lead-42" });
 * ```
 */
export function renderTemplate(
  template: CompiledTemplate,
  values: TemplateValues,
  options: RenderTemplateOptions,
): RenderTemplateResult {
  const missing = missingVariables(template.parts, values);
  if (missing.length > 0) return { ok: false, missing };
  const print = options.escape === "html" ? escapeHtml : identity;
  let out = "";
  for (const part of template.parts) out += renderPart(part, values, options.seed, print);
  return { ok: true, value: out };
}

/** Names (each once, in order) of variables without fallback whose value is missing. */
export function missingVariables(parts: readonly TemplatePart[], values: TemplateValues): string[] {
  const missing: string[] = [];
  for (const part of parts) {
    if (part.kind !== "variable" || part.fallback !== null) continue;
    if (presentValue(values, part.name) === null && !missing.includes(part.name)) missing.push(part.name);
  }
  return missing;
}

/**
 * The text a part prints, passed through `print` unless it is literal template text. A variable
 * without value and without fallback prints nothing: check `missingVariables` first.
 */
export function renderPart(
  part: TemplatePart,
  values: TemplateValues,
  seed: string,
  print: (value: string) => string,
): string {
  // A plain switch rather than ts-pattern: this runs for every part of every email, and the declared
  // return type already makes a missing case a compile error.
  switch (part.kind) {
    case "text":
      return part.text;
    case "variable":
      return print(presentValue(values, part.name) ?? part.fallback ?? "");
    case "spin":
      return print(spinChoice(part.options, seed, part.key));
  }
}

/** The option a spin prints for a seed: deterministic, and spread evenly over seeds. */
export function spinChoice(options: readonly string[], seed: string, key: number): string {
  return options[hashString(`${seed}\u0000${key}`) % options.length]!;
}

function presentValue(values: TemplateValues, name: string): string | null {
  const value = Object.hasOwn(values, name) ? values[name] : undefined;
  return value === null || value === undefined || value.trim() === "" ? null : value;
}

function identity(value: string): string {
  return value;
}
