import { type Cadenza, CadenzaError, type Campaign, type PreviewProspect, parseInput } from "@cadenza/core";
import { Router } from "express";
import { z } from "zod";
import { campaignFromBody, campaignToBody, inApiTerms, toSnake } from "../http/case-mapping.js";
import { jsonBody, recordId, recordIdSchema } from "../http/request-body.js";

const variantSchema = z
  .enum(["a", "b", "A", "B"])
  .default("A")
  .transform((v) => v.toUpperCase() as "A" | "B");

const renderRequestSchema = z.object({
  step_number: z.number().int().min(1).default(1),
  variant: variantSchema,
  prospect_id: recordIdSchema.optional(),
});

const testSendSchema = renderRequestSchema.extend({ to: z.email("must be an email address") });

const duplicateSchema = z.object({ name: z.string().trim().min(1).max(200).optional() }).default({});

async function prospectFor(cadenza: Cadenza, id: string | undefined): Promise<PreviewProspect | undefined> {
  if (id === undefined) return undefined;
  const [prospect] = await cadenza.prospects.get([id]);
  if (!prospect) {
    throw new CadenzaError("NOT_FOUND", {
      message: `Prospect ${id} does not exist`,
      issues: [{ path: ["prospect_id"], message: "No such prospect", code: "not_found" }],
    });
  }
  return { ...prospect, email: prospect.email ?? "" };
}

/**
 * The audit's campaign API under `/api/outreach/campaigns`: create with the audit's body, list, read
 * with steps, counts and metrics, change, delete, activate/pause/resume, duplicate, preview and
 * test-send.
 */
export function campaignRoutes(cadenza: Cadenza): Router {
  const router = Router();
  const summary = (c: Campaign) => ({
    id: c.id,
    name: c.name,
    active: c.active,
    created_at: c.createdAt.toISOString(),
  });
  const full = async (c: Campaign) => campaignToBody(c, await cadenza.counters(c.id));
  const state = (verb: "activate" | "pause" | "resume", message: string) =>
    router.post(`/:id/${verb}`, async (req, res) => {
      const campaign = await cadenza.campaigns[verb](recordId(req, "id", "Campaign"));
      res.json({ campaign: await full(campaign), message });
    });

  router.post("/", async (req, res) => {
    const campaign = await inApiTerms(() =>
      cadenza.campaigns.create(campaignFromBody(jsonBody(req)) as never),
    );
    res.status(201).json({ campaign: summary(campaign), message: "Campaign created successfully" });
  });

  router.get("/", async (_req, res) => {
    const campaigns = await cadenza.campaigns.list();
    res.json({ campaigns: await Promise.all(campaigns.map(full)) });
  });

  router.get("/:id", async (req, res) => {
    const id = recordId(req, "id", "Campaign");
    const campaign = await cadenza.campaigns.get(id);
    if (!campaign) throw new CadenzaError("NOT_FOUND", { message: `Campaign ${id} does not exist` });
    const counters = await cadenza.counters(id);
    res.json({
      campaign: { ...campaignToBody(campaign, counters), leads_by_status: counters.leadsByStatus },
      metrics: toSnake(await cadenza.analytics.metrics(id)),
    });
  });

  router.patch("/:id", async (req, res) => {
    const id = recordId(req, "id", "Campaign");
    const body = jsonBody(req);
    const current = await cadenza.campaigns.get(id);
    if (!current) throw new CadenzaError("NOT_FOUND", { message: `Campaign ${id} does not exist` });
    const campaign = await inApiTerms(() =>
      cadenza.campaigns.update(id, campaignFromBody(body, current) as never),
    );
    res.json({ campaign: await full(campaign), message: "Campaign updated successfully" });
  });

  router.delete("/:id", async (req, res) => {
    await cadenza.campaigns.delete(recordId(req, "id", "Campaign"));
    res.status(204).end();
  });

  state("activate", "Campaign activated");
  state("pause", "Campaign paused");
  state("resume", "Campaign resumed");

  router.post("/:id/duplicate", async (req, res) => {
    const { name } = parseInput(duplicateSchema, req.body ?? {});
    const campaign = await cadenza.campaigns.duplicate(recordId(req, "id", "Campaign"), name);
    res.status(201).json({ campaign: summary(campaign), message: "Campaign duplicated successfully" });
  });

  router.post("/:id/preview", async (req, res) => {
    const input = parseInput(renderRequestSchema, req.body ?? {});
    const prospect = await prospectFor(cadenza, input.prospect_id);
    const preview = await cadenza.campaigns.preview(recordId(req, "id", "Campaign"), input.step_number, {
      variant: input.variant,
      ...(prospect ? { prospect } : {}),
    });
    res.json({ preview: toSnake(preview) });
  });

  router.post("/:id/test-send", async (req, res) => {
    const input = parseInput(testSendSchema, jsonBody(req));
    const prospect = await prospectFor(cadenza, input.prospect_id);
    const result = await cadenza.campaigns.testSend(recordId(req, "id", "Campaign"), input.step_number, {
      to: input.to,
      variant: input.variant,
      ...(prospect ? { prospect } : {}),
    });
    // A refusal is the mail server's answer about the address, reported as such rather than as a 5xx.
    res.json({ success: result.status === "accepted", result });
  });

  return router;
}
