import type { EngineContext } from "../engine-context.js";
import { CadenzaError, type FieldIssue, isCadenzaError, parseInput } from "../errors.js";
import { validateTemplates } from "../personalize/index.js";
import type { CampaignPatch, NewCampaign } from "../ports.js";
import type { Campaign } from "./campaign.js";
import {
  type CampaignConfig,
  type CampaignInput,
  type CampaignUpdate,
  campaignInputSchema,
  campaignUpdateSchema,
  type StepConfig,
} from "./campaign-schema.js";

/**
 * Validates everything about a campaign that can be known at save time: the schema, template syntax
 * and variables (UNKNOWN_VARIABLE names the step, variant and variable), and that every MJML body
 * compiles (MJML_INVALID with line numbers) — so nothing fails at send time for reasons known now.
 */
export async function validateCampaign(ctx: EngineContext, config: CampaignConfig): Promise<void> {
  validateTemplates(config, { customVariables: ctx.customVariables });
  const issues: FieldIssue[] = [];
  for (const [index, step] of config.steps.entries()) {
    for (const variant of ["variantA", "variantB"] as const) {
      const content = step[variant];
      if (!content) continue;
      try {
        await ctx.renderer.validate({ format: step.format, subject: content.subject, body: content.body });
      } catch (error) {
        if (!isCadenzaError(error)) throw error;
        for (const issue of error.issues.length
          ? error.issues
          : [{ path: [], message: error.message, code: error.code }]) {
          issues.push({ ...issue, path: ["steps", index, variant, "body", ...issue.path] });
        }
      }
    }
  }
  if (issues.length > 0) throw new CadenzaError("MJML_INVALID", { issues });
}

function withIds(ctx: EngineContext, steps: StepConfig[]) {
  return steps.map((step) => ({ ...step, id: ctx.ids.id() }));
}

/** Creates a campaign (paused) after validating it. */
export async function createCampaign(ctx: EngineContext, input: CampaignInput): Promise<Campaign> {
  const config = parseInput(campaignInputSchema, input);
  await validateCampaign(ctx, config);
  const { steps, description, ...settings } = config;
  const campaign: NewCampaign = {
    ...settings,
    id: ctx.ids.id(),
    description: description ?? null,
    active: false,
    steps: withIds(ctx, steps),
    createdAt: ctx.clock.now(),
  };
  return ctx.store.createCampaign(campaign);
}

async function getOrThrow(ctx: EngineContext, id: string): Promise<Campaign> {
  const campaign = await ctx.store.getCampaign(id);
  if (!campaign)
    throw new CadenzaError("NOT_FOUND", { message: `Campaign ${id} does not exist`, details: { id } });
  return campaign;
}

/**
 * Changes a campaign. Steps may be edited while it runs, but steps that leads have already received
 * cannot be removed (CAMPAIGN_LOCKED): their history and metrics would lose their meaning.
 */
export async function updateCampaign(
  ctx: EngineContext,
  id: string,
  input: CampaignUpdate,
): Promise<Campaign> {
  const parsed = parseInput(campaignUpdateSchema, input);
  // Only the keys the caller sent: zod fills defaults of absent keys, which must not overwrite.
  const given = new Set(Object.keys(input ?? {}));
  const update = Object.fromEntries(
    Object.entries(parsed).filter(([key]) => given.has(key)),
  ) as typeof parsed;
  const current = await getOrThrow(ctx, id);
  const {
    id: _id,
    active: _a,
    winnerVariant: _w,
    createdAt: _c,
    updatedAt: _u,
    steps: currentSteps,
    ...settings
  } = current;
  const config = parseInput(campaignInputSchema, {
    ...settings,
    description: current.description ?? undefined,
    steps: currentSteps.map(({ id: _sid, campaignId: _cid, ...step }) => step),
    ...update,
  });
  await validateCampaign(ctx, config);
  if (update.steps) {
    const counters = await ctx.store.getCounters(id);
    const touched = counters.steps.filter((s) => s.stepNumber > config.steps.length && s.sent > 0);
    if (touched.length > 0) {
      throw new CadenzaError("CAMPAIGN_LOCKED", {
        message: `Step ${touched[0]!.stepNumber} has already been sent and cannot be removed`,
        issues: [
          { path: ["steps"], message: "Steps already sent cannot be removed", code: "campaign_locked" },
        ],
      });
    }
  }
  const { steps: _steps, description, ...changes } = update;
  const patch: CampaignPatch = {
    ...changes,
    ...(given.has("description") ? { description: description ?? null } : {}),
    ...(update.steps ? { steps: withIds(ctx, config.steps) } : {}),
    updatedAt: ctx.clock.now(),
  };
  return ctx.store.updateCampaign(id, patch);
}

/** Starts (or resumes) sending. */
export async function setCampaignActive(ctx: EngineContext, id: string, active: boolean): Promise<Campaign> {
  await getOrThrow(ctx, id);
  return ctx.store.updateCampaign(id, { active, updatedAt: ctx.clock.now() });
}

/** Copies a campaign's settings and steps into a new paused campaign with no leads. */
export async function duplicateCampaign(ctx: EngineContext, id: string, name?: string): Promise<Campaign> {
  const source = await getOrThrow(ctx, id);
  const { id: _id, steps, active: _a, winnerVariant: _w, createdAt: _c, updatedAt: _u, ...settings } = source;
  return ctx.store.createCampaign({
    ...settings,
    name: name ?? `${source.name} (copy)`,
    id: ctx.ids.id(),
    active: false,
    steps: steps.map(({ campaignId: _cid, ...step }) => ({ ...step, id: ctx.ids.id() })),
    createdAt: ctx.clock.now(),
  });
}

export { getOrThrow as getCampaignOrThrow };
