import { type Cadenza, CadenzaError, LEAD_STATUSES, parseInput } from "@cadenza/core";
import { Router } from "express";
import { z } from "zod";
import { defaultChartRange } from "../dashboard/chart-range.js";
import { filterFromBody, inApiTerms, isRecord, rulesFromBody, toSnake } from "../http/case-mapping.js";
import { jsonBody, recordId, recordIdSchema } from "../http/request-body.js";

/** The audit's Cloudflare Worker body, camelCase as it has it. */
const addLeadsSchema = z
  .object({
    prospectIds: z.array(recordIdSchema).min(1, "Give at least one prospect id").max(100_000),
    mailboxId: z.string().min(1).nullish(),
    variant: z.enum(["a", "b", "random", "A", "B"]).default("random"),
  })
  .strict();

const listLeadsSchema = z.object({
  status: z.enum(LEAD_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

const STRUCTURED_KEYS = ["filter", "rules", "sample_size", "variant", "mailbox_ids", "added_by"];

/**
 * An audience body: `{ filter, rules, … }`, or a bare filter (`{ "tier": "hot" }`) when none of the
 * structured keys is present.
 */
function audienceBody(body: unknown): Record<string, unknown> {
  if (!isRecord(body)) return { filter: body };
  return STRUCTURED_KEYS.some((k) => k in body) ? body : { filter: body };
}

/** A filter from the body; its `ids`, when given, must be record ids. */
function filterOf(body: Record<string, unknown>): unknown {
  const filter = filterFromBody(body.filter ?? {});
  if (isRecord(filter) && Array.isArray(filter.ids)) {
    const bad = filter.ids.findIndex((id) => !recordIdSchema.safeParse(id).success);
    if (bad >= 0) {
      throw new CadenzaError("VALIDATION", {
        issues: [
          { path: ["filter", "ids", bad], message: "Not a valid id (a UUID)", code: "invalid_format" },
        ],
      });
    }
  }
  return filter;
}

/**
 * Leads, audience and analytics of one campaign under `/api/campaigns/:id`: the audit's
 * `POST …/leads`, retrying its failed leads, the audience builder's preview and enroll, and the
 * campaign's analytics.
 */
export function leadRoutes(cadenza: Cadenza): Router {
  const router = Router({ mergeParams: true });

  router.post("/:id/leads", async (req, res) => {
    const id = recordId(req, "id", "Campaign");
    const input = parseInput(addLeadsSchema, jsonBody(req));
    if (input.mailboxId && !(await cadenza.mailboxes.get(input.mailboxId))) {
      throw new CadenzaError("NOT_FOUND", {
        message: `Mailbox ${input.mailboxId} does not exist`,
        issues: [{ path: ["mailboxId"], message: "No such mailbox", code: "not_found" }],
      });
    }
    const result = await cadenza.audience.enroll(id, {
      prospectIds: input.prospectIds,
      variant: input.variant,
      ...(input.mailboxId ? { mailboxIds: [input.mailboxId] } : {}),
    });
    res.json({ success: true, added: result.added, skipped: result.skipped, reasons: result.reasons });
  });

  router.get("/:id/leads", async (req, res) => {
    const query = parseInput(listLeadsSchema, req.query);
    const leads = await cadenza.leads.list(recordId(req, "id", "Campaign"), query);
    res.json({ leads: toSnake(leads) });
  });

  // Failed leads back into their sequence, once the cause is gone (a full mailbox emptied, a relay
  // that failed leads before throttles were told apart).
  router.post("/:id/leads/retry-failed", async (req, res) => {
    res.json(await cadenza.leads.retryFailed(recordId(req, "id", "Campaign")));
  });

  router.post("/:id/audience/preview", async (req, res) => {
    const body = audienceBody(jsonBody(req));
    const sampleSize = body.sample_size;
    const preview = await inApiTerms(() =>
      cadenza.audience.preview(recordId(req, "id", "Campaign"), filterOf(body) as never, {
        rules: rulesFromBody(body.rules ?? {}) as never,
        ...(typeof sampleSize === "number"
          ? { sampleSize: Math.min(Math.max(0, Math.floor(sampleSize)), 100) }
          : {}),
      }),
    );
    res.json({ preview: toSnake(preview) });
  });

  router.post("/:id/audience/enroll", async (req, res) => {
    const body = audienceBody(jsonBody(req));
    const result = await inApiTerms(() =>
      cadenza.audience.enroll(recordId(req, "id", "Campaign"), {
        filter: filterOf(body) as never,
        rules: rulesFromBody(body.rules ?? {}) as never,
        ...(body.variant !== undefined ? { variant: body.variant as never } : {}),
        ...(body.mailbox_ids !== undefined ? { mailboxIds: body.mailbox_ids as never } : {}),
        ...(body.added_by !== undefined ? { addedBy: body.added_by as never } : {}),
      }),
    );
    res.json({ success: true, ...(toSnake(result) as object) });
  });

  router.get("/:id/analytics", async (req, res) => {
    const id = recordId(req, "id", "Campaign");
    const campaign = await cadenza.campaigns.get(id);
    if (!campaign) throw new CadenzaError("NOT_FOUND", { message: `Campaign ${id} does not exist` });
    // The time series covers `?from=&to=` (campaign days), by default the dashboard chart's range.
    const range = defaultChartRange(campaign, cadenza.clock.now());
    const fromDay = typeof req.query.from === "string" ? req.query.from : range.fromDay;
    const toDay = typeof req.query.to === "string" ? req.query.to : range.toDay;
    const [metrics, funnel, abTest, timeSeries] = await Promise.all([
      cadenza.analytics.metrics(id),
      cadenza.analytics.funnel(id),
      cadenza.analytics.abTest(id),
      cadenza.analytics.timeSeries(id, { fromDay, toDay }),
    ]);
    res.json(toSnake({ metrics, funnel, abTest, timeSeries }));
  });

  return router;
}
