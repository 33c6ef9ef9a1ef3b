/**
 * One piece of a compiled template. `start` and `end` are offsets of the piece in the source (an
 * editor can highlight variables with them; error messages map back through them).
 */
export type TemplatePart =
  | { kind: "text"; text: string; start: number; end: number }
  | {
      kind: "variable";
      name: string;
      /** Printed when the value is missing; `null` when the template gave none. */
      fallback: string | null;
      start: number;
      end: number;
    }
  | {
      kind: "spin";
      options: string[];
      /** Position among the template's spins: with the seed, it picks the option. */
      key: number;
      start: number;
      end: number;
    };

/** A template parsed once into parts; rendering is a string build over them. */
export interface CompiledTemplate {
  readonly source: string;
  readonly parts: readonly TemplatePart[];
}

/** Names a template variable may take: letters, digits and `_`, not starting with a digit. */
export const VARIABLE_NAME_PATTERN = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
