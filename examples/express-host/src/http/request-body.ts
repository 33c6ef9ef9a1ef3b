import { CadenzaError } from "@cadenza/core";
import type { Request } from "express";
import { z } from "zod";
import { HttpError } from "./api-error.js";

/**
 * The parsed JSON body. Express leaves `req.body` undefined when nothing was parsed: no body, or a
 * content type other than JSON — both answered as the client's mistake, never passed on as `undefined`.
 */
export function jsonBody(req: Request): unknown {
  if (req.body !== undefined) return req.body;
  const type = req.get("content-type");
  if (type && !/^application\/([\w.+-]+\+)?json\b/i.test(type)) {
    throw new HttpError(415, "UNSUPPORTED_MEDIA_TYPE", `Expected application/json, got ${type}`, [
      { path: [], message: "Send the body as application/json" },
    ]);
  }
  throw new HttpError(400, "VALIDATION", "A JSON body is required", [{ path: [], message: "Required" }]);
}

/** A route parameter, which Express 5 types as possibly absent. */
export function param(req: Request, name: string): string {
  const value = req.params[name];
  if (typeof value !== "string" || value === "") throw new HttpError(404, "ROUTE_NOT_FOUND", "Not found");
  return value;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Record ids the engine makes are UUIDs; anything else names nothing (and Postgres would refuse it). */
export const recordIdSchema = z.string().regex(UUID, "Not a valid id (a UUID)");

/**
 * A route parameter naming a campaign or a prospect. Something that is not a UUID cannot name one:
 * it is answered 404 here instead of reaching a database that stores ids as UUIDs.
 */
export function recordId(req: Request, name: string, what: string): string {
  const value = param(req, name);
  if (!UUID.test(value)) throw new CadenzaError("NOT_FOUND", { message: `${what} ${value} does not exist` });
  return value;
}
