import { CadenzaError } from "@cadenza/core";

/** What better-sqlite3 puts on its errors. */
interface SqliteErrorLike {
  code?: unknown;
  message?: unknown;
}

/**
 * Maps a better-sqlite3 error to a CadenzaError naming the file: unique violations → CONFLICT,
 * missing references → NOT_FOUND, a lock held past `busy_timeout` → STORE_BUSY, a file that is not
 * a database → STORE_CORRUPT, a file that cannot be opened or written → STORE_ERROR. Anything else
 * is returned unchanged.
 */
export function mapSqliteError(error: unknown, file: string): Error {
  if (error instanceof CadenzaError) return error;
  const e = (error ?? {}) as SqliteErrorLike;
  const code = typeof e.code === "string" ? e.code : "";
  const text = typeof e.message === "string" ? e.message : String(error);
  const details = { file, driverCode: code || undefined };
  const fail = (codeName: ConstructorParameters<typeof CadenzaError>[0], message: string) =>
    new CadenzaError(codeName, { message, details, cause: error });

  if (code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY") {
    return fail("CONFLICT", `A record with the same key already exists (${text})`);
  }
  if (code === "SQLITE_CONSTRAINT_FOREIGNKEY") {
    return fail("NOT_FOUND", `A record this one refers to does not exist (${text})`);
  }
  if (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED")) {
    return fail("STORE_BUSY", `The SQLite database ${file} stayed locked past the busy timeout`);
  }
  if (code === "SQLITE_NOTADB" || code.startsWith("SQLITE_CORRUPT")) {
    return fail("STORE_CORRUPT", `The file ${file} is not a valid SQLite database (${text})`);
  }
  if (
    code.startsWith("SQLITE_READONLY") ||
    code.startsWith("SQLITE_CANTOPEN") ||
    code.startsWith("SQLITE_IOERR") ||
    code === "SQLITE_PERM" ||
    code === "SQLITE_FULL" ||
    /cannot open database|directory does not exist/i.test(text)
  ) {
    return fail("STORE_ERROR", `The SQLite database ${file} cannot be opened or written (${text})`);
  }
  if (/database connection is not open/i.test(text)) {
    return fail("STORE_UNAVAILABLE", `The SQLite database ${file} is closed`);
  }
  return error instanceof Error ? error : new Error(text);
}
