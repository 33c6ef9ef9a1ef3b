import { type ErrorCode, isCadenzaError } from "@cadenza/core";
import type { ErrorRequestHandler } from "express";

/** Codes the host adds to the engine's for what only HTTP knows. */
export type HostErrorCode = "UNAUTHORIZED" | "ROUTE_NOT_FOUND" | "UNSUPPORTED_MEDIA_TYPE";

/** The JSON every error answers: `{ error: { code, message, issues: [{ path, message }] } }`. */
export interface ErrorBody {
  error: {
    code: ErrorCode | HostErrorCode;
    message: string;
    issues: { path: (string | number)[]; message: string }[];
  };
}

/** An error the host raises itself, with its status. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode | HostErrorCode,
    message: string,
    readonly issues: ErrorBody["error"]["issues"] = [],
  ) {
    super(message);
  }
}

/**
 * The status of every engine error code. A `Record` over `ErrorCode` so a new code does not compile
 * until it has one. Bad input is 4xx; only the store or transport failing is 5xx.
 */
export const STATUS_BY_CODE: Record<ErrorCode, number> = {
  VALIDATION: 400,
  CSV_INVALID: 400,
  UNKNOWN_VARIABLE: 422,
  TEMPLATE_SYNTAX: 422,
  MJML_INVALID: 422,
  MISSING_VARIABLE: 422,
  ILLEGAL_TRANSITION: 409,
  NOT_FOUND: 404,
  CONFLICT: 409,
  CAMPAIGN_LOCKED: 409,
  INVALID_TOKEN: 404,
  PAYLOAD_TOO_LARGE: 413,
  STORE_UNAVAILABLE: 503,
  STORE_BUSY: 503,
  STORE_VERSION: 500,
  STORE_CORRUPT: 500,
  STORE_ERROR: 500,
  TRANSPORT_ERROR: 502,
  INTERNAL: 500,
};

/** What body-parser errors carry. */
interface BodyParserError {
  type?: string;
  status?: number;
  expose?: boolean;
  message: string;
}

/** Turns anything thrown into a status and an error body. */
export function toErrorResponse(error: unknown): { status: number; body: ErrorBody } {
  if (isCadenzaError(error)) {
    return {
      status: STATUS_BY_CODE[error.code],
      body: {
        error: {
          code: error.code,
          message: error.message,
          issues: error.issues.map(({ path, message }) => ({ path, message })),
        },
      },
    };
  }
  if (error instanceof HttpError) {
    return {
      status: error.status,
      body: { error: { code: error.code, message: error.message, issues: error.issues } },
    };
  }
  const parser = error as BodyParserError;
  if (parser?.type === "entity.parse.failed") {
    return {
      status: 400,
      body: {
        error: {
          code: "VALIDATION",
          message: `The body is not valid JSON: ${parser.message}`,
          issues: [{ path: [], message: "Malformed JSON" }],
        },
      },
    };
  }
  if (parser?.type === "entity.too.large") {
    return {
      status: 413,
      body: { error: { code: "PAYLOAD_TOO_LARGE", message: "The request body is too large", issues: [] } },
    };
  }
  if (typeof parser?.status === "number" && parser.status >= 400 && parser.status < 500 && parser.expose) {
    return {
      status: parser.status,
      body: {
        error: {
          code: "VALIDATION",
          message: parser.message,
          issues: [{ path: [], message: parser.message }],
        },
      },
    };
  }
  return {
    status: 500,
    body: { error: { code: "INTERNAL", message: "An unexpected internal error", issues: [] } },
  };
}

/** Express error handler answering the error body; logs what is not the client's fault. */
export function errorHandler(log: (error: unknown) => void = console.error): ErrorRequestHandler {
  return (error, _req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const { status, body } = toErrorResponse(error);
    if (status >= 500) log(error);
    res.status(status).json(body);
  };
}
