import type { TemplatePart } from "../personalize/template-part.js";

/** A template part that prints a value: a variable or a spin. */
export type ValuePart = Exclude<TemplatePart, { kind: "text" }>;

/**
 * A piece of a compiled email body: literal markup or text, or a part filled per lead. `linkify`
 * marks values printed outside any link in a plain-text body's HTML, where a URL value becomes a link.
 */
export type EmailSegment = string | { part: ValuePart; linkify: boolean };
