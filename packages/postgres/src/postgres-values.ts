import type { SqlValues } from "@cadenza/sql";

/** How the engine's values travel to Postgres: its own types, JSON as text (arrays stay arrays). */
export const postgresValues: SqlValues = {
  time: (value) => value,
  bool: (value) => value,
  textArray: (value) => [...value],
  // pg would send a JS array as a Postgres array; JSONB columns get JSON text instead.
  json: (value) => JSON.stringify(value ?? null),
  readTextArray: (value) =>
    Array.isArray(value)
      ? (value as string[])
      : typeof value === "string"
        ? (JSON.parse(value) as string[])
        : [],
  readJson: (value) => value ?? null,
};
