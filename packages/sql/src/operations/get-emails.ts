import type { EmailRecord } from "@cadenza/core";
import { sql } from "kysely";
import { selectEmails, toEmailRecord } from "../rows/email-rows.js";
import type { SqlContext } from "../sql-context.js";

/** One email record, or null. */
export async function getEmail(ctx: SqlContext, id: string): Promise<EmailRecord | null> {
  const { dialect } = ctx;
  if (!dialect.isId(id)) return null;
  const row = await selectEmails(ctx).where("e.id", "=", id).executeTakeFirst();
  return row ? toEmailRecord(row, dialect.values) : null;
}

/**
 * Outbound emails carrying any of these Message-IDs, as the engine set them or as the provider
 * replaced them (inbound reply matching). Each side is an index lookup (the provider's ids in a
 * partial index of the rows that have one).
 */
export async function findEmailsByMessageId(
  ctx: SqlContext,
  messageIds: readonly string[],
): Promise<EmailRecord[]> {
  const wanted = [...new Set(messageIds)];
  if (wanted.length === 0) return [];
  const rows = await selectEmails(ctx)
    .where((eb) =>
      eb.or([
        eb("e.message_id", "in", wanted),
        eb.and([eb("e.provider_message_id", "is not", null), eb("e.provider_message_id", "in", wanted)]),
      ]),
    )
    .where("e.direction", "=", sql.lit("outbound"))
    .orderBy("e.created_at")
    .orderBy("e.id")
    .execute();
  return rows.map((r) => toEmailRecord(r, ctx.dialect.values));
}

/** A page of emails, oldest first, optionally of one campaign or lead. */
export async function listEmails(
  ctx: SqlContext,
  query: { campaignId?: string; leadId?: string; limit: number; offset: number },
): Promise<EmailRecord[]> {
  const { dialect } = ctx;
  if (query.campaignId !== undefined && !dialect.isId(query.campaignId)) return [];
  if (query.leadId !== undefined && !dialect.isId(query.leadId)) return [];
  let q = selectEmails(ctx);
  if (query.campaignId !== undefined) q = q.where("e.campaign_id", "=", query.campaignId);
  if (query.leadId !== undefined) q = q.where("e.lead_id", "=", query.leadId);
  const rows = await q
    .orderBy("e.created_at")
    .orderBy("e.id")
    .limit(query.limit)
    .offset(query.offset)
    .execute();
  return rows.map((r) => toEmailRecord(r, dialect.values));
}
