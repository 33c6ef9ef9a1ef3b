import { createHash, timingSafeEqual } from "node:crypto";
import type { RequestHandler } from "express";
import { HttpError } from "./api-error.js";

const digest = (value: string) => createHash("sha256").update(value).digest();

/**
 * Requires `Authorization: Bearer <key>`. Keys are compared as SHA-256 digests in constant time, so
 * neither their length nor where they differ shows in the answer's timing.
 */
export function requireApiKey(apiKey: string): RequestHandler {
  const expected = digest(apiKey);
  return (req, res, next) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(req.get("authorization") ?? "");
    if (match && timingSafeEqual(digest(match[1]!), expected)) {
      next();
      return;
    }
    res.set("WWW-Authenticate", 'Bearer realm="cadenza"');
    next(
      new HttpError(
        401,
        "UNAUTHORIZED",
        match ? "The API key is not valid" : "Send the API key as Authorization: Bearer <CADENZA_API_KEY>",
      ),
    );
  };
}
