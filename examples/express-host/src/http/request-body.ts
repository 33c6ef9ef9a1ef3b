import type { Request } from "express";
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
