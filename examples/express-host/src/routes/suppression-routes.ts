import { type Cadenza, parseInput } from "@cadenza/core";
import { Router } from "express";
import { z } from "zod";
import { inApiTerms, toSnake } from "../http/case-mapping.js";
import { jsonBody } from "../http/request-body.js";

const pageSchema = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

/**
 * The suppression list under `/api/suppressions`: add addresses (`{ email, reason? }` or a list of
 * them: the opt-outs of another tool, a do-not-contact list), list it newest first, and check which
 * of some addresses are on it (`POST /check` with `{ emails: [...] }`).
 */
export function suppressionRoutes(cadenza: Cadenza): Router {
  const router = Router();

  router.get("/", async (req, res) => {
    const page = parseInput(pageSchema, req.query);
    res.json({ suppressions: toSnake(await cadenza.suppressions.list(page)) });
  });

  router.post("/", async (req, res) => {
    const body = jsonBody(req);
    const many = Array.isArray(body);
    const added = await inApiTerms(
      () => cadenza.suppressions.add(body as never),
      (path) => (many ? path : path.slice(1)),
    );
    res.json({ suppressed: added.length, suppressions: toSnake(added) });
  });

  router.post("/check", async (req, res) => {
    const { emails } = parseInput(z.object({ emails: z.array(z.string()).max(10_000) }), jsonBody(req));
    res.json({ suppressed: await cadenza.suppressions.check(emails) });
  });

  return router;
}
