/** Readers for column values as either driver returns them (Postgres types or SQLite text/integers). */

/** A timestamp column: a `Date` from Postgres, ISO-8601 text from SQLite. */
export function readTime(value: unknown): Date {
  if (value instanceof Date) return value;
  if (typeof value === "string" || typeof value === "number") return new Date(value);
  throw new TypeError(`Not a timestamp: ${String(value)}`);
}

/** A nullable timestamp column. */
export function readTimeOrNull(value: unknown): Date | null {
  return value === null || value === undefined ? null : readTime(value);
}

/** A boolean column: `boolean` from Postgres, 0/1 from SQLite. */
export function readBool(value: unknown): boolean {
  return value === true || value === 1 || value === 1n || value === "1" || value === "t";
}

/** A number column or aggregate: Postgres returns `bigint` and `numeric` results as strings. */
export function readNumber(value: unknown): number {
  if (typeof value === "number") return value;
  if (typeof value === "bigint" || typeof value === "string") return Number(value);
  if (value === null || value === undefined) return 0;
  throw new TypeError(`Not a number: ${String(value)}`);
}

/** Splits `items` into chunks of at most `size`, keeping order (bound-parameter limits). */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
