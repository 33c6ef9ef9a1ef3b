import { z } from "zod";
import type { VariantContent, VariantName } from "../campaign/campaign-schema.js";
import { parseInput } from "../errors.js";
import { variantBucket } from "./variant-hash.js";

/** Who is assigned and by which split. */
export const assignVariantInputSchema = z.object({
  campaignId: z.string().min(1),
  leadId: z.string().min(1),
  /** Percentage of leads that get variant A (0–100). */
  split: z.number().min(0).max(100),
});
export type AssignVariantInput = z.input<typeof assignVariantInputSchema>;

/**
 * The variant a lead gets, decided by a hash of its campaign and lead ids: the same answer every time,
 * in every process, with `split` percent of leads getting A. Split 0 gives everyone B, 100 everyone A.
 *
 * ```ts
 * assignVariant({ campaignId: campaign.id, leadId: lead.id, split: 50 }); // "A" or "B", stable
 * ```
 */
export function assignVariant(input: AssignVariantInput): VariantName {
  const { campaignId, leadId, split } = parseInput(assignVariantInputSchema, input);
  return variantBucket(campaignId, leadId) < split ? "A" : "B";
}

/**
 * The content a lead gets for a step, and the variant to record on the email. A B lead on a step that
 * has no B content gets A's content, and the email counts as A — so per-variant statistics compare
 * what was actually sent.
 *
 * ```ts
 * variantContentForStep("B", { variantA: { subject: "Hi", body: "…" } }); // { variant: "A", content: variantA }
 * ```
 */
export function variantContentForStep(
  leadVariant: VariantName,
  step: { variantA: VariantContent; variantB?: VariantContent | undefined },
): { variant: VariantName; content: VariantContent } {
  if (leadVariant === "B" && step.variantB) return { variant: "B", content: step.variantB };
  return { variant: "A", content: step.variantA };
}
