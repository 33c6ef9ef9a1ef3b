import type { Prospect } from "../audience/prospect.js";

/**
 * Variables every template may use. All but `unsubscribe_url` come from the prospect;
 * `unsubscribe_url` is supplied by the engine when it renders an email.
 */
export const BUILTIN_VARIABLES = [
  "first_name",
  "last_name",
  "full_name",
  "title",
  "company",
  "city",
  "country",
  "email",
  "unsubscribe_url",
] as const;
export type BuiltinVariable = (typeof BUILTIN_VARIABLES)[number];

const BUILTIN_NAMES: ReadonlySet<string> = new Set(BUILTIN_VARIABLES);

/** True when `name` is a built-in variable, which no custom attribute may shadow. */
export function isBuiltinVariable(name: string): name is BuiltinVariable {
  return BUILTIN_NAMES.has(name);
}

/** The prospect fields personalization reads. */
export type ProspectValuesSource = Pick<
  Prospect,
  "email" | "firstName" | "lastName" | "title" | "company" | "city" | "country" | "attributes"
>;

/**
 * The template values of a prospect: the built-in variables (`full_name` joins first and last name)
 * and every custom attribute, stringified. Empty values become null, so templates treat them as
 * missing. An attribute named like a built-in variable is ignored: built-ins always win.
 *
 * ```ts
 * prospectValues(prospect); // { first_name: "Jane", full_name: "Jane Doe", hotel_name: "Harbor View", … }
 * ```
 */
export function prospectValues(prospect: ProspectValuesSource): Record<string, string | null> {
  const values: Record<string, string | null> = {};
  for (const [name, value] of Object.entries(prospect.attributes ?? {})) {
    if (isBuiltinVariable(name)) continue;
    values[name] = value === null ? null : text(String(value));
  }
  const firstName = text(prospect.firstName);
  const lastName = text(prospect.lastName);
  values.first_name = firstName;
  values.last_name = lastName;
  values.full_name = [firstName, lastName].filter((n) => n !== null).join(" ") || null;
  values.title = text(prospect.title);
  values.company = text(prospect.company);
  values.city = text(prospect.city);
  values.country = text(prospect.country);
  values.email = text(prospect.email);
  return values;
}

function text(value: string | null | undefined): string | null {
  return value === null || value === undefined || value.trim() === "" ? null : value;
}
