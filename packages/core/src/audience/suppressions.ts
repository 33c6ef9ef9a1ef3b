import { z } from "zod";
import type { EngineContext } from "../engine-context.js";
import { batchInput, parseInput } from "../errors.js";
import type { Suppression } from "../ports.js";
import { emailAddressSchema } from "./prospect-schema.js";

/** Most addresses one `suppressions.add` call takes. */
export const MAX_SUPPRESSION_BATCH = 10_000;

/** An address a host adds to the suppression list: an opt-out from elsewhere, a do-not-contact list. */
export const suppressionInputSchema = z.object({
  email: emailAddressSchema,
  /** Why, kept with the entry (default `manual`). */
  reason: z.string().trim().min(1).max(200).default("manual"),
});

export type SuppressionInput = z.input<typeof suppressionInputSchema>;

/**
 * Adds addresses to the suppression list, all or nothing: no campaign emails them again. Addresses
 * are compared lower-cased; one already listed keeps its first entry. An enrollment skips them, and a
 * lead already enrolled on one is paused ("Address is suppressed") when it next comes due. Errors
 * carry the index of the bad entry in their path.
 */
export async function addSuppressions(
  ctx: EngineContext,
  input: SuppressionInput | SuppressionInput[],
): Promise<Suppression[]> {
  const list = batchInput(input, MAX_SUPPRESSION_BATCH, "addresses");
  const now = ctx.clock.now();
  const entries = parseInput(z.array(suppressionInputSchema), list).map(
    (e): Suppression => ({ email: e.email, reason: e.reason, campaignId: null, createdAt: now }),
  );
  await ctx.store.suppress(entries);
  return entries;
}

/** Which of these addresses are on the suppression list (lower-cased, in the order given, once each). */
export async function checkSuppressed(ctx: EngineContext, emails: readonly string[]): Promise<string[]> {
  const lower = [...new Set(emails.map((e) => e.trim().toLowerCase()))];
  const found = await ctx.store.findSuppressed(lower);
  return lower.filter((e) => found.has(e));
}
