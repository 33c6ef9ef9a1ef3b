import type { Prospect } from "../audience/prospect.js";
import { type ComposeInput, composeEmail, isComposeFailure } from "../dispatch/compose-email.js";
import type { EngineContext } from "../engine-context.js";
import { CadenzaError } from "../errors.js";
import { compileTemplate, SAMPLE_PROSPECT, templateVariables } from "../personalize/index.js";
import type { SendResult } from "../ports.js";
import { campaignDay } from "../schedule/index.js";
import { getCampaignOrThrow } from "./campaign-operations.js";
import type { VariantName } from "./campaign-schema.js";

/** A step rendered for one prospect exactly as it would be sent. */
export interface EmailPreview {
  subject: string;
  html: string | null;
  text: string;
  headers: Record<string, string>;
  /** Variables the step uses. */
  variables: string[];
  /** Variables this prospect has no value (and the template no fallback) for: it would not be sent. */
  missing: string[];
}

/** A prospect-shaped value for previews: a stored prospect or sample data. */
export type PreviewProspect = Pick<
  Prospect,
  "email" | "firstName" | "lastName" | "title" | "company" | "city" | "country" | "attributes"
> &
  Partial<Prospect>;

function asProspect(p: PreviewProspect): Prospect {
  return {
    id: "preview",
    timezone: null,
    tier: null,
    stage: null,
    source: null,
    tags: [],
    score: 0,
    archived: false,
    createdAt: new Date(0),
    updatedAt: new Date(0),
    ...p,
  };
}

async function composeFor(
  ctx: EngineContext,
  campaignId: string,
  stepNumber: number,
  variant: VariantName,
  prospect: PreviewProspect,
  overrideTo?: string,
) {
  const campaign = await getCampaignOrThrow(ctx, campaignId);
  const step = campaign.steps[stepNumber - 1];
  if (!step)
    throw new CadenzaError("NOT_FOUND", { message: `Campaign ${campaignId} has no step ${stepNumber}` });
  const content = variant === "B" && step.variantB ? step.variantB : step.variantA;
  const variables = [
    ...new Set(
      [content.subject, content.body].flatMap((src) =>
        templateVariables(compileTemplate(src)).map((v) => v.name),
      ),
    ),
  ];
  const input: ComposeInput = {
    campaign,
    step,
    leadVariant: variant,
    leadId: "preview",
    leaseToken: "preview",
    prospect: asProspect(prospect),
    mailbox: campaign.mailboxIds[0] ? await ctx.store.getMailbox(campaign.mailboxIds[0]) : null,
    thread: [],
    counterDay: campaignDay(ctx.clock.now(), campaign.timezone),
    overrideTo,
  };
  return { composed: await composeEmail(ctx, input), variables };
}

/**
 * Renders a step for a prospect (or the sample prospect) exactly as the dispatcher would, tracking
 * included, and lists the variables used and missing. Touches no lead, email or counter.
 */
export async function previewStep(
  ctx: EngineContext,
  campaignId: string,
  stepNumber: number,
  options: { variant?: VariantName; prospect?: PreviewProspect } = {},
): Promise<EmailPreview> {
  const prospect = options.prospect ?? SAMPLE_PROSPECT;
  const { composed, variables } = await composeFor(
    ctx,
    campaignId,
    stepNumber,
    options.variant ?? "A",
    prospect,
    prospect.email ?? "preview@example.com",
  );
  if (isComposeFailure(composed)) {
    return { subject: "", html: null, text: "", headers: {}, variables, missing: composed.missing };
  }
  const m = composed.message;
  return { subject: m.subject, html: m.html, text: m.text, headers: m.headers, variables, missing: [] };
}

/**
 * Sends one step to an address for review, through the engine's transport, without touching any lead,
 * email record or counter. Links are not tracked.
 */
export async function testSend(
  ctx: EngineContext,
  campaignId: string,
  stepNumber: number,
  options: { to: string; variant?: VariantName; prospect?: PreviewProspect },
): Promise<SendResult> {
  const untracked: EngineContext = { ...ctx, tracking: null };
  const { composed } = await composeFor(
    untracked,
    campaignId,
    stepNumber,
    options.variant ?? "A",
    options.prospect ?? SAMPLE_PROSPECT,
    options.to,
  );
  if (isComposeFailure(composed)) {
    throw new CadenzaError("MISSING_VARIABLE", {
      message: composed.reason,
      issues: composed.missing.map((name) => ({
        path: ["prospect", name],
        message: `No value for ${name}`,
        code: "missing_variable",
      })),
    });
  }
  return ctx.transport.send({ ...composed.message, subject: `[Test] ${composed.message.subject}` });
}
