import { z } from "zod";
import { getCampaignOrThrow } from "../campaign/campaign-operations.js";
import { variantNameSchema } from "../campaign/campaign-schema.js";
import type { EngineContext } from "../engine-context.js";
import { batchInput, CadenzaError, parseInput } from "../errors.js";
import type {
  AudiencePreview,
  EnrollmentRules,
  EnrollResult,
  ProspectUpsert,
  SavedAudience,
  UpsertedProspect,
} from "../ports.js";
import { nextSendTime, windowFor } from "../schedule/index.js";
import {
  type ProspectFilterInput,
  type ProspectInput,
  prospectFilterSchema,
  prospectInputSchema,
} from "./prospect-schema.js";

/** Most prospects one upsert call takes (bigger imports go through the CSV importer in batches). */
export const MAX_UPSERT_BATCH = 5_000;

/**
 * Validates and upserts prospects by lower-case email, all or nothing. Within one call a repeated
 * email is merged (the last one wins). Errors carry the index of the bad prospect in their path.
 */
export async function upsertProspects(
  ctx: EngineContext,
  input: ProspectInput | ProspectInput[],
): Promise<UpsertedProspect[]> {
  const list = batchInput(input, MAX_UPSERT_BATCH, "prospects");
  const parsed = parseInput(z.array(prospectInputSchema), list);
  const byEmail = new Map<string, ProspectUpsert>();
  for (const p of parsed) byEmail.set(p.email, { ...p, id: byEmail.get(p.email)?.id ?? ctx.ids.id() });
  const upserted = await ctx.store.upsertProspects([...byEmail.values()], ctx.clock.now());
  const byUpserted = new Map(upserted.map((u) => [u.email, u]));
  return parsed.map((p) => byUpserted.get(p.email)!);
}

export const enrollmentRulesSchema = z
  .object({
    excludeActiveInOtherCampaigns: z.boolean().optional(),
    excludeContactedWithinDays: z.number().int().min(1).max(3650).optional(),
  })
  .strict();

/** How to enroll: who (a filter, or prospect ids), which variant, which mailboxes, and by whom. */
export const enrollInputSchema = z
  .object({
    filter: prospectFilterSchema.optional(),
    prospectIds: z.array(z.string().min(1)).max(100_000).optional(),
    /** `A`, `B`, or `random` (assigned at first send by the first step's split). */
    variant: z.union([variantNameSchema, z.literal("random"), z.enum(["a", "b"])]).default("random"),
    /** Mailboxes to spread new leads over; defaults to the campaign's. */
    mailboxIds: z.array(z.string().min(1)).optional(),
    addedBy: z.enum(["manual", "import", "automation"]).default("manual"),
    rules: enrollmentRulesSchema.default({}),
  })
  .strict()
  .refine((v) => v.filter !== undefined || v.prospectIds !== undefined, {
    message: "Give a filter or prospectIds",
    path: ["filter"],
  });
export type EnrollInput = z.input<typeof enrollInputSchema>;

/** The counts the "Add leads" modal shows for a filter, and a sample of who would be added. */
export async function previewAudience(
  ctx: EngineContext,
  campaignId: string,
  filterInput: ProspectFilterInput,
  options: { rules?: EnrollmentRules; sampleSize?: number } = {},
): Promise<AudiencePreview> {
  await getCampaignOrThrow(ctx, campaignId);
  const filter = parseInput(prospectFilterSchema, filterInput, ["filter"]);
  const rules = parseInput(enrollmentRulesSchema, options.rules ?? {}, ["rules"]);
  return ctx.store.previewAudience({
    campaignId,
    filter,
    rules,
    now: ctx.clock.now(),
    sampleSize: options.sampleSize ?? 10,
  });
}

/**
 * Enrolls prospects into a campaign. Step 1 is scheduled from now through the scheduler; duplicates,
 * suppressed and invalid addresses are skipped with reasons.
 */
export async function enroll(
  ctx: EngineContext,
  campaignId: string,
  input: EnrollInput,
): Promise<EnrollResult> {
  const campaign = await getCampaignOrThrow(ctx, campaignId);
  const parsed = parseInput(enrollInputSchema, input);
  const filter = prospectFilterSchema.parse({
    ...(parsed.filter ?? {}),
    ...(parsed.prospectIds ? { ids: parsed.prospectIds } : {}),
  });
  const now = ctx.clock.now();
  const first = campaign.steps[0];
  const firstEmailAt = first
    ? nextSendTime({
        from: now,
        delayDays: first.delayDays,
        delayHours: first.delayHours,
        window: windowFor(campaign, null),
      })
    : now;
  const variant =
    parsed.variant === "random" ? campaign.winnerVariant : (parsed.variant.toUpperCase() as "A" | "B");
  return ctx.store.enrollProspects({
    campaignId,
    filter,
    rules: parsed.rules,
    variant,
    mailboxIds: parsed.mailboxIds ?? campaign.mailboxIds,
    addedBy: parsed.addedBy,
    firstEmailAt,
    now,
    newId: () => ctx.ids.id(),
  });
}

export const savedAudienceInputSchema = z
  .object({
    id: z.string().min(1).optional(),
    name: z.string().trim().min(1, "Name is required").max(200),
    filter: prospectFilterSchema,
    rules: enrollmentRulesSchema.default({}),
  })
  .strict();
export type SavedAudienceInput = z.input<typeof savedAudienceInputSchema>;

/** Saves (or, with an `id`, replaces) a named filter to re-apply later. */
export async function saveAudience(ctx: EngineContext, input: SavedAudienceInput): Promise<SavedAudience> {
  const parsed = parseInput(savedAudienceInputSchema, input);
  const now = ctx.clock.now();
  const existing = parsed.id ? await ctx.store.getAudience(parsed.id) : null;
  return ctx.store.saveAudience({
    id: existing?.id ?? ctx.ids.id(),
    name: parsed.name,
    filter: parsed.filter,
    rules: parsed.rules,
    createdAt: existing?.createdAt ?? now,
    updatedAt: now,
  });
}

/**
 * Enrolls the current matches of a saved audience. Prospects already in the campaign are skipped, so
 * re-applying it later adds only the new matches.
 */
export async function enrollSavedAudience(
  ctx: EngineContext,
  campaignId: string,
  audienceId: string,
  options: Omit<EnrollInput, "filter" | "prospectIds" | "rules"> = {},
): Promise<EnrollResult> {
  const audience = await ctx.store.getAudience(audienceId);
  if (!audience)
    throw new CadenzaError("NOT_FOUND", {
      message: `Saved audience ${audienceId} does not exist`,
      details: { audienceId },
    });
  return enroll(ctx, campaignId, { ...options, filter: audience.filter, rules: audience.rules });
}
