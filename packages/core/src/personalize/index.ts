export { compileTemplate } from "./compile-template.js";
export {
  BUILTIN_VARIABLES,
  type BuiltinVariable,
  isBuiltinVariable,
  type ProspectValuesSource,
  prospectValues,
} from "./prospect-values.js";
export {
  type RenderTemplateOptions,
  type RenderTemplateResult,
  renderTemplate,
  type TemplateValues,
} from "./render-template.js";
export { SAMPLE_PROSPECT } from "./sample-prospect.js";
export type { CompiledTemplate, TemplatePart } from "./template-part.js";
export { type TemplateVariable, templateVariables } from "./template-variables.js";
export { validateTemplates } from "./validate-templates.js";
