import type { CampaignConfig, VariantName } from "../campaign/campaign-schema.js";
import { CadenzaError, type FieldIssue, isCadenzaError } from "../errors.js";
import { compileTemplate } from "./compile-template.js";
import { BUILTIN_VARIABLES } from "./prospect-values.js";
import { templateVariables } from "./template-variables.js";

/**
 * Checks every subject and body of every step and variant of a campaign, for campaign save: each must
 * parse, and use only known variables (the built-ins, the campaign's `customVariables` and
 * `options.customVariables`).
 *
 * Throws `CadenzaError("TEMPLATE_SYNTAX")` when a template does not parse (its issues also list any
 * unknown variables of the others, with code `unknown_variable`), else
 * `CadenzaError("UNKNOWN_VARIABLE")` with one issue per unknown variable and field, each with a path
 * like `["steps", 0, "variantB", "body"]`.
 *
 * ```ts
 * validateTemplates(campaign, { customVariables: ["hotel_name"] });
 * ```
 */
export function validateTemplates(campaign: CampaignConfig, options: { customVariables: string[] }): void {
  const known = new Set<string>([
    ...BUILTIN_VARIABLES,
    ...campaign.customVariables,
    ...options.customVariables,
  ]);
  const syntaxIssues: FieldIssue[] = [];
  const unknownIssues: FieldIssue[] = [];

  campaign.steps.forEach((step, index) => {
    const variants: [VariantName, typeof step.variantA | undefined][] = [
      ["A", step.variantA],
      ["B", step.variantB],
    ];
    for (const [variant, content] of variants) {
      if (!content) continue;
      for (const field of ["subject", "body"] as const) {
        const path = ["steps", index, `variant${variant}`, field];
        const where = `step ${step.stepNumber}, variant ${variant} ${field}`;
        try {
          for (const { name } of templateVariables(compileTemplate(content[field]))) {
            if (known.has(name)) continue;
            unknownIssues.push({
              path,
              message: unknownMessage(name, where, known),
              code: "unknown_variable",
            });
          }
        } catch (error) {
          if (!isCadenzaError(error, "TEMPLATE_SYNTAX")) throw error;
          for (const issue of error.issues) {
            syntaxIssues.push({ ...issue, path, message: `${issue.message} in ${where}` });
          }
        }
      }
    }
  });

  if (syntaxIssues.length > 0) {
    throw new CadenzaError("TEMPLATE_SYNTAX", { issues: [...syntaxIssues, ...unknownIssues] });
  }
  if (unknownIssues.length > 0) throw new CadenzaError("UNKNOWN_VARIABLE", { issues: unknownIssues });
}

function unknownMessage(name: string, where: string, known: ReadonlySet<string>): string {
  const suggestion = closestName(name, known);
  const hint = suggestion
    ? ` (did you mean "${suggestion}"?)`
    : "; add it to the campaign's customVariables if prospects carry it as an attribute";
  return `Unknown variable "${name}" in ${where}${hint}`;
}

/** The known name within two edits of `name`, if any: catches typos like `frist_name`. */
function closestName(name: string, known: ReadonlySet<string>): string | null {
  let best: string | null = null;
  let bestDistance = 3;
  for (const candidate of known) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length]!;
}
