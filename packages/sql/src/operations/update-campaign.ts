import { CadenzaError, type Campaign, type CampaignPatch } from "@cadenza/core";
import type { SqlTime } from "../database.js";
import { chunk } from "../read-values.js";
import { campaignSettingsColumns, stepContentColumns, toCampaign } from "../rows/campaign-rows.js";
import { inTransaction, type SqlContext } from "../sql-context.js";

/**
 * Changes a campaign's settings and, when `patch.steps` is given, replaces its steps. Steps are
 * matched by number, so the audit metric columns of a step that stays are kept; steps past the new
 * last one are deleted. When `patch.mailboxIds` is given, the leads still to send on a mailbox it no
 * longer lists move to the ones it does (see `moveLeadsOffRemovedMailboxes`).
 */
export function updateCampaign(ctx: SqlContext, id: string, patch: CampaignPatch): Promise<Campaign> {
  return inTransaction(ctx, async ({ db, dialect }) => {
    const { values } = dialect;
    const now = values.time(patch.updatedAt);
    const { steps, updatedAt: _, ...settings } = patch;
    const row = dialect.isId(id)
      ? await db
          .updateTable("campaigns")
          .set({
            ...campaignSettingsColumns(settings, values),
            ...(steps ? { sequence_count: steps.length } : {}),
            updated_at: now,
          })
          .where("id", "=", id)
          .returningAll()
          .executeTakeFirst()
      : undefined;
    if (!row) throw new CadenzaError("NOT_FOUND", { message: `Campaign ${id} not found`, details: { id } });
    if (settings.mailboxIds)
      await moveLeadsOffRemovedMailboxes({ db, dialect }, id, settings.mailboxIds, now);
    if (steps) {
      if (steps.length > 0) {
        await db
          .insertInto("campaign_sequences")
          .values(
            steps.map((step) => ({
              ...stepContentColumns(step, values),
              campaign_id: id,
              created_at: now,
              updated_at: now,
            })),
          )
          .onConflict((oc) =>
            oc.columns(["campaign_id", "step_number"]).doUpdateSet((eb) => ({
              id: eb.ref("excluded.id"),
              delay_days: eb.ref("excluded.delay_days"),
              delay_hours: eb.ref("excluded.delay_hours"),
              format: eb.ref("excluded.format"),
              variant_a_subject: eb.ref("excluded.variant_a_subject"),
              variant_a_body: eb.ref("excluded.variant_a_body"),
              variant_b_subject: eb.ref("excluded.variant_b_subject"),
              variant_b_body: eb.ref("excluded.variant_b_body"),
              variant_split: eb.ref("excluded.variant_split"),
              use_ai_generation: eb.ref("excluded.use_ai_generation"),
              ai_prompt_context: eb.ref("excluded.ai_prompt_context"),
              updated_at: eb.ref("excluded.updated_at"),
            })),
          )
          .execute();
      }
      await db
        .deleteFrom("campaign_sequences")
        .where("campaign_id", "=", id)
        .where("step_number", ">", steps.length)
        .execute();
    }
    const stepRows = await db
      .selectFrom("campaign_sequences")
      .selectAll()
      .where("campaign_id", "=", id)
      .execute();
    return toCampaign(row, stepRows, values);
  });
}

const ROWS_PER_STATEMENT = 500;

/**
 * The campaign's leads still to send (active or paused) whose mailbox is not among `mailboxIds` move
 * to those mailboxes round robin, in lead id order (to none when the list is empty): the dispatcher
 * claims only the campaign's mailboxes, so they would otherwise wait for a mailbox it never claims.
 */
async function moveLeadsOffRemovedMailboxes(
  { db, dialect }: SqlContext,
  campaignId: string,
  mailboxIds: readonly string[],
  now: SqlTime,
): Promise<void> {
  let query = db
    .selectFrom("campaign_leads")
    .select("id")
    .where("campaign_id", "=", campaignId)
    .where("status", "in", ["active", "paused"])
    .where("mailbox_id", "is not", null);
  if (mailboxIds.length > 0) query = query.where("mailbox_id", "not in", [...mailboxIds]);
  const stranded = await query.orderBy("id").execute();
  const moves = stranded.map((lead, i) => ({
    id: lead.id,
    mailbox_id: mailboxIds.length > 0 ? (mailboxIds[i % mailboxIds.length] ?? null) : null,
  }));
  for (const part of chunk(moves, ROWS_PER_STATEMENT)) {
    const rows = dialect.jsonRows(part, { id: "id", mailbox_id: "text" });
    await db
      .updateTable("campaign_leads as l")
      .from(rows.as("v"))
      .set((eb) => ({ mailbox_id: eb.ref("v.mailbox_id"), updated_at: now }))
      .whereRef("l.id", "=", "v.id")
      .execute();
  }
}
