import { z } from "zod";

/** Days of the week, in the audit's spelling (`send_days TEXT[]`). */
export const WEEKDAYS = [
  "monday",
  "tuesday",
  "wednesday",
  "thursday",
  "friday",
  "saturday",
  "sunday",
] as const;
export const weekdaySchema = z.enum(WEEKDAYS);
export type Weekday = z.infer<typeof weekdaySchema>;

/** True when `zone` is an IANA time zone this runtime knows. */
export function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export const timeZoneSchema = z
  .string()
  .min(1)
  .refine(isValidTimeZone, { message: "Unknown IANA time zone" });

/** How a step body is written: plain text, author HTML, or MJML. */
export const bodyFormatSchema = z.enum(["text", "html", "mjml"]);
export type BodyFormat = z.infer<typeof bodyFormatSchema>;

export const variantNameSchema = z.enum(["A", "B"]);
export type VariantName = z.infer<typeof variantNameSchema>;

/** Subject and body of one variant of a step. An empty subject on a follow-up sends it as a reply. */
export const variantContentSchema = z.object({
  subject: z.string().max(998),
  body: z.string().min(1, "Body is required"),
});
export type VariantContent = z.infer<typeof variantContentSchema>;

/** One step of a sequence, as a user hands it in. */
export const stepInputSchema = z.object({
  /** 1-based position in the sequence. */
  stepNumber: z.number().int().min(1),
  /** Days to wait after the previous step (after enrollment for step 1). */
  delayDays: z.number().int().min(0).max(365).default(0),
  /** Hours to wait, added to `delayDays`. */
  delayHours: z.number().int().min(0).max(8760).default(0),
  format: bodyFormatSchema.default("text"),
  variantA: variantContentSchema,
  variantB: variantContentSchema.optional(),
  /** Percentage of leads that get variant A (0–100). */
  variantSplit: z.number().int().min(0).max(100).default(50),
  /** Generate this step's content with the host's content generator. */
  useAiGeneration: z.boolean().default(false),
  /** Extra context handed to the content generator. */
  aiPromptContext: z.string().max(10_000).optional(),
});
export type StepInput = z.input<typeof stepInputSchema>;
export type StepConfig = z.output<typeof stepInputSchema>;

const DEFAULT_SEND_DAYS: Weekday[] = ["monday", "tuesday", "wednesday", "thursday", "friday"];

/** Fields of a campaign other than its steps (shared by create and update). */
export const campaignSettingsSchema = z.object({
  name: z.string().trim().min(1, "Name is required").max(200),
  description: z.string().max(5000).nullish(),
  /** Most emails this campaign sends in one campaign day (a calendar day in its time zone). */
  dailyLimit: z.number().int().min(1).max(1_000_000).default(50),
  sendDays: z.array(weekdaySchema).min(1, "Pick at least one send day").default(DEFAULT_SEND_DAYS),
  /** First hour of the send window, inclusive (0–23). */
  sendTimeStart: z.number().int().min(0).max(23).default(9),
  /** Hour the send window closes, exclusive (1–24). */
  sendTimeEnd: z.number().int().min(1).max(24).default(17),
  timezone: timeZoneSchema.default("UTC"),
  /** Schedule in each prospect's own time zone when it has one. */
  useProspectTimezone: z.boolean().default(false),
  abTestingEnabled: z.boolean().default(false),
  trackOpens: z.boolean().default(true),
  trackClicks: z.boolean().default(true),
  /** Mailboxes new leads are spread over (round robin); empty means the engine's default transport. */
  mailboxIds: z.array(z.string().min(1)).default([]),
  /** Custom prospect attributes the templates may use, beyond the built-in variables. */
  customVariables: z.array(z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/)).default([]),
});

function checkCampaign(
  campaign: {
    sendTimeStart: number;
    sendTimeEnd: number;
    abTestingEnabled: boolean;
    steps?: z.output<typeof stepInputSchema>[];
  },
  ctx: z.RefinementCtx,
): void {
  if (campaign.sendTimeEnd <= campaign.sendTimeStart) {
    ctx.addIssue({
      code: "custom",
      path: ["sendTimeEnd"],
      message: "The send window must end after it starts",
    });
  }
  const steps = campaign.steps;
  if (!steps) return;
  steps.forEach((step, index) => {
    if (step.stepNumber !== index + 1) {
      ctx.addIssue({
        code: "custom",
        path: ["steps", index, "stepNumber"],
        message: `Steps must be numbered 1, 2, 3… in order; expected ${index + 1}`,
      });
    }
    if (step.variantB && !campaign.abTestingEnabled) {
      ctx.addIssue({
        code: "custom",
        path: ["steps", index, "variantB"],
        message: "Variant B content is given but A/B testing is off",
      });
    }
    if (index === 0 && step.variantA.subject.trim() === "") {
      ctx.addIssue({
        code: "custom",
        path: ["steps", index, "variantA", "subject"],
        message: "The first step needs a subject",
      });
    }
    if (index === 0 && step.variantB && step.variantB.subject.trim() === "") {
      ctx.addIssue({
        code: "custom",
        path: ["steps", index, "variantB", "subject"],
        message: "The first step needs a subject",
      });
    }
  });
}

/**
 * A campaign as a user hands it in: settings plus ordered steps. Campaigns start paused.
 *
 * ```ts
 * const input: CampaignInput = {
 *   name: "Hotel GM Outreach Q4",
 *   steps: [{ stepNumber: 1, variantA: { subject: "Quick question about {{hotel_name}}", body: "Hi {{first_name | \"there\"}}," } }],
 * };
 * ```
 */
export const campaignInputSchema = campaignSettingsSchema
  .extend({ steps: z.array(stepInputSchema).min(1, "A campaign needs at least one step").max(50) })
  .superRefine(checkCampaign);
export type CampaignInput = z.input<typeof campaignInputSchema>;
export type CampaignConfig = z.output<typeof campaignInputSchema>;

/** A partial update of a campaign; `steps`, when given, replaces all steps. */
export const campaignUpdateSchema = campaignSettingsSchema
  .partial()
  .extend({ steps: z.array(stepInputSchema).min(1).max(50).optional() })
  .strict();
export type CampaignUpdate = z.input<typeof campaignUpdateSchema>;

export { checkCampaign as checkCampaignConsistency };
