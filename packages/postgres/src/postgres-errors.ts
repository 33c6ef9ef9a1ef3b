import { CadenzaError, type ErrorCode } from "@cadenza/core";
import { isPreparedStatementError } from "./prepared-statements.js";

/** What pg and Node put on their errors. */
interface PgErrorLike {
  code?: unknown;
  message?: unknown;
  errors?: unknown;
}

const UNAVAILABLE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
  "EPIPE",
  "57P01", // admin_shutdown
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now
  "53300", // too_many_connections
  "28000", // invalid_authorization_specification
  "28P01", // invalid_password
  "3D000", // invalid_catalog_name: the database does not exist
]);

const BUSY_CODES = new Set([
  "40P01", // deadlock_detected (after retries)
  "40001", // serialization_failure (after retries)
  "55P03", // lock_not_available
  "57014", // query_canceled (statement or lock timeout)
]);

/**
 * Deadlocks, serialization failures and prepared statements the server lost or must replan: the
 * whole transaction may simply be run again.
 */
export function isRetryablePostgresError(error: unknown): boolean {
  const code = (error as PgErrorLike | null)?.code;
  return code === "40P01" || code === "40001" || isPreparedStatementError(error);
}

/**
 * Maps a pg error to a CadenzaError: unique violations → CONFLICT, missing references → NOT_FOUND,
 * lock waits that failed → STORE_BUSY, a server that cannot be reached → STORE_UNAVAILABLE,
 * corrupted data → STORE_CORRUPT. Anything else is returned unchanged.
 */
export function mapPostgresError(error: unknown, location: string): Error {
  if (error instanceof CadenzaError) return error;
  const e = (error ?? {}) as PgErrorLike;
  // Node reports a refused connection to every address of a host as an AggregateError.
  const inner = Array.isArray(e.errors) ? (e.errors[0] as PgErrorLike | undefined) : undefined;
  const code = typeof e.code === "string" ? e.code : typeof inner?.code === "string" ? inner.code : "";
  const text = typeof e.message === "string" && e.message ? e.message : String(inner?.message ?? error);
  const fail = (cadenzaCode: ErrorCode, message: string) =>
    new CadenzaError(cadenzaCode, {
      message,
      details: { location, driverCode: code || undefined },
      cause: error,
    });

  if (code === "23505") return fail("CONFLICT", `A record with the same key already exists (${text})`);
  if (code === "23503") return fail("NOT_FOUND", `A record this one refers to does not exist (${text})`);
  if (BUSY_CODES.has(code)) return fail("STORE_BUSY", `Postgres (${location}) stayed locked: ${text}`);
  if (
    UNAVAILABLE_CODES.has(code) ||
    code.startsWith("08") ||
    /connection terminated|timeout exceeded when trying to connect|connect ECONNREFUSED|not queryable|ECONNRESET/i.test(
      text,
    )
  ) {
    return fail("STORE_UNAVAILABLE", `Postgres (${location}) could not be reached: ${text}`);
  }
  if (code === "XX001" || code === "XX002")
    return fail("STORE_CORRUPT", `Postgres (${location}) reports corrupted data: ${text}`);
  return error instanceof Error ? error : new Error(text);
}
