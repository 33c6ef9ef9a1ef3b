import type { SqlValues } from "@cadenza/sql";

/**
 * How the engine's values are stored in SQLite: timestamps as ISO-8601 UTC text with milliseconds
 * (lexical order = time order), booleans as 0/1, arrays and objects as JSON text.
 */
export const sqliteValues: SqlValues = {
  time: (value) => value.toISOString(),
  bool: (value) => (value ? 1 : 0),
  textArray: (value) => JSON.stringify(value),
  json: (value) => JSON.stringify(value ?? null),
  readTextArray: (value) => (typeof value === "string" ? (JSON.parse(value) as string[]) : []),
  readJson: (value) => (typeof value === "string" ? JSON.parse(value) : (value ?? null)),
};
