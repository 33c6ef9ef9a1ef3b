import type { z } from "zod";

/**
 * Every error code Cadenza raises, with its default message. Codes are stable: hosts may match on
 * them, and the HTTP layer maps them to status codes.
 */
export const ERROR_CODES = {
  VALIDATION: "The input does not match the expected shape",
  UNKNOWN_VARIABLE: "A template uses a variable that no prospect can provide",
  TEMPLATE_SYNTAX: "A template could not be parsed",
  MJML_INVALID: "An MJML body does not compile",
  MISSING_VARIABLE: "The prospect has no value for a variable that has no fallback",
  ILLEGAL_TRANSITION: "This event is not allowed in the lead's current status",
  NOT_FOUND: "The requested record does not exist",
  CONFLICT: "The record already exists or was changed concurrently",
  CAMPAIGN_LOCKED: "The campaign cannot be changed in its current state",
  INVALID_TOKEN: "The tracking token is invalid",
  STORE_UNAVAILABLE: "The store could not be reached",
  STORE_VERSION: "The database was migrated by a newer version of Cadenza",
  STORE_CORRUPT: "The database file is not a valid database",
  STORE_BUSY: "The database stayed locked past the timeout",
  STORE_ERROR: "The store failed",
  TRANSPORT_ERROR: "The transport failed",
  CSV_INVALID: "The CSV file could not be read",
  PAYLOAD_TOO_LARGE: "The request body is too large",
  INTERNAL: "An unexpected internal error",
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** One problem with one field of an input: where it is and what is wrong. */
export interface FieldIssue {
  /** Path of the bad field, e.g. `["steps", 1, "variantA", "subject"]`. */
  path: (string | number)[];
  /** Human-readable description of the problem. */
  message: string;
  /** Stable machine code of the problem (zod's issue code, or a Cadenza code). */
  code: string;
}

export interface CadenzaErrorOptions {
  message?: string;
  issues?: FieldIssue[];
  cause?: unknown;
  details?: Record<string, unknown>;
}

/**
 * The one error class Cadenza throws. `code` is stable; `issues` lists bad fields for input errors.
 *
 * ```ts
 * try { await cadenza.campaigns.create(input) }
 * catch (e) { if (isCadenzaError(e, "VALIDATION")) console.log(e.issues) }
 * ```
 */
export class CadenzaError extends Error {
  override readonly name = "CadenzaError";
  readonly code: ErrorCode;
  readonly issues: FieldIssue[];
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, options: CadenzaErrorOptions = {}) {
    const base = options.message ?? ERROR_CODES[code];
    const first = options.issues?.[0];
    const message =
      options.message === undefined && first
        ? `${base}: ${formatPath(first.path)}${first.path.length ? ": " : ""}${first.message}`
        : base;
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.issues = options.issues ?? [];
    this.details = options.details ?? {};
  }

  /** A plain JSON shape for APIs: `{ code, message, issues }`. */
  toJSON(): { code: ErrorCode; message: string; issues: FieldIssue[]; details: Record<string, unknown> } {
    return { code: this.code, message: this.message, issues: this.issues, details: this.details };
  }
}

/** True when `error` is a CadenzaError, optionally with the given code. */
export function isCadenzaError(error: unknown, code?: ErrorCode): error is CadenzaError {
  return error instanceof CadenzaError && (code === undefined || error.code === code);
}

/** Renders a field path as `steps[1].variantA.subject`. */
export function formatPath(path: readonly (string | number)[]): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`)).join("");
}

/** Maps a zod error to a VALIDATION CadenzaError carrying one issue per bad field. */
export function fromZodError(error: z.ZodError, pathPrefix: (string | number)[] = []): CadenzaError {
  const issues = error.issues.map((issue) => ({
    path: [...pathPrefix, ...issue.path.map((p) => (typeof p === "symbol" ? String(p) : p))],
    message: issue.message,
    code: issue.code,
  }));
  return new CadenzaError("VALIDATION", { issues, cause: error });
}

/**
 * Parses `input` with `schema`, throwing a VALIDATION CadenzaError (with field paths) when it fails.
 */
export function parseInput<S extends z.ZodType>(
  schema: S,
  input: unknown,
  pathPrefix: (string | number)[] = [],
): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw fromZodError(result.error, pathPrefix);
  return result.data;
}

/** One item or a list of them, as a list of at most `max` (else `VALIDATION`, code `too_big`). */
export function batchInput<T>(input: T | T[], max: number, what: string): T[] {
  const list = Array.isArray(input) ? input : [input];
  if (list.length > max) {
    throw new CadenzaError("VALIDATION", {
      issues: [{ path: [], message: `At most ${max} ${what} per call`, code: "too_big" }],
    });
  }
  return list;
}

/** Wraps anything caught that is not an Error into one, once (graphile-worker's coerceError). */
export function coerceError(thrown: unknown): Error {
  if (thrown instanceof Error) return thrown;
  return new Error(typeof thrown === "string" ? thrown : `Non-error thrown: ${safeString(thrown)}`);
}

function safeString(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
