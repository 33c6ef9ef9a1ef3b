import type { CompiledTemplate } from "./template-part.js";

/** A variable a template uses; `hasFallback` is false if any use of it lacks a fallback. */
export interface TemplateVariable {
  name: string;
  hasFallback: boolean;
}

/**
 * The variables a template uses, each once, in order of first use.
 *
 * ```ts
 * templateVariables(compileTemplate('{{first_name | "there"}} at {{hotel_name}}'));
 * // [{ name: "first_name", hasFallback: true }, { name: "hotel_name", hasFallback: false }]
 * ```
 */
export function templateVariables(template: CompiledTemplate): TemplateVariable[] {
  const byName = new Map<string, TemplateVariable>();
  for (const part of template.parts) {
    if (part.kind !== "variable") continue;
    const seen = byName.get(part.name);
    if (seen) seen.hasFallback &&= part.fallback !== null;
    else byName.set(part.name, { name: part.name, hasFallback: part.fallback !== null });
  }
  return [...byName.values()];
}
