import { type Cadenza, CadenzaError, parseInput } from "@cadenza/core";
import express, { Router } from "express";
import { z } from "zod";
import { HttpError } from "../http/api-error.js";
import { filterFromBody, inApiTerms, prospectFromBody, toApiPath, toSnake } from "../http/case-mapping.js";
import { jsonBody, recordId, recordIdSchema } from "../http/request-body.js";

const CSV_TYPES = ["text/csv", "application/csv", "text/plain", "text/tab-separated-values"];

const importQuerySchema = z.object({
  campaign_id: recordIdSchema.optional(),
  delimiter: z.enum([",", ";", "tab"]).optional(),
});

const findQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

/**
 * Prospects under `/api/prospects`: upsert one or many (snake_case, by email), import a CSV file,
 * find by filter (query parameters), and read one.
 */
export function prospectRoutes(cadenza: Cadenza, options: { maxCsvBytes?: string } = {}): Router {
  const router = Router();

  router.post("/", async (req, res) => {
    const body = jsonBody(req);
    const many = Array.isArray(body);
    const input = many ? body.map(prospectFromBody) : prospectFromBody(body);
    // The engine validates a list; a single prospect's errors should not carry the list index.
    const mapPath = (path: (string | number)[]) => toApiPath(many ? path : path.slice(1));
    const upserted = await inApiTerms(() => cadenza.prospects.upsert(input as never), mapPath);
    res.json({
      prospects: upserted.map((p) => ({ id: p.id, email: p.email, created: p.created })),
      created: upserted.filter((p) => p.created).length,
      updated: upserted.filter((p) => !p.created).length,
    });
  });

  router.post(
    "/import",
    express.text({ type: CSV_TYPES, limit: options.maxCsvBytes ?? "50mb" }),
    async (req, res) => {
      if (typeof req.body !== "string") {
        throw new HttpError(415, "UNSUPPORTED_MEDIA_TYPE", "Send the file as text/csv", [
          { path: [], message: "Content-Type must be text/csv" },
        ]);
      }
      const query = parseInput(importQuerySchema, req.query);
      const result = await cadenza.prospects.importCsv(req.body, {
        ...(query.campaign_id ? { campaignId: query.campaign_id } : {}),
        ...(query.delimiter ? { delimiter: query.delimiter === "tab" ? "\t" : query.delimiter } : {}),
      });
      res.json({
        total: result.total,
        imported: result.imported,
        created: result.created,
        updated: result.updated,
        duplicates: result.duplicates,
        errors: result.invalid,
        prospect_ids: result.prospectIds,
        enrolled: result.enrolled && {
          added: result.enrolled.added,
          skipped: result.enrolled.skipped,
          reasons: result.enrolled.reasons,
        },
      });
    },
  );

  router.get("/", async (req, res) => {
    const { limit, offset, ...filter } = req.query as Record<string, unknown>;
    const page = parseInput(findQuerySchema, { limit, offset });
    const criteria = filterFromBody(filter) as Record<string, unknown>;
    for (const key of ["minScore"] as const)
      if (typeof criteria[key] === "string") criteria[key] = Number(criteria[key]);
    for (const key of ["hasEmail", "archived"] as const) {
      if (typeof criteria[key] === "string") criteria[key] = criteria[key] === "true";
    }
    if (typeof criteria.tags === "string") criteria.tags = criteria.tags.split(",");
    else if (
      Array.isArray(criteria.tags) &&
      criteria.tags.length === 1 &&
      typeof criteria.tags[0] === "string"
    ) {
      criteria.tags = criteria.tags[0].split(",");
    }
    const found = await inApiTerms(() => cadenza.prospects.find(criteria as never, page));
    res.json({ total: found.total, prospects: toSnake(found.rows) });
  });

  router.get("/:id", async (req, res) => {
    const id = recordId(req, "id", "Prospect");
    const [prospect] = await cadenza.prospects.get([id]);
    if (!prospect) throw new CadenzaError("NOT_FOUND", { message: `Prospect ${id} does not exist` });
    res.json({ prospect: toSnake(prospect) });
  });

  return router;
}
