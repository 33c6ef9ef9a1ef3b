import type { EmailRecord } from "@cadenza/core";
import { sql } from "kysely";
import { toEmailRecord } from "../rows/email-rows.js";
import type { SqlContext } from "../sql-context.js";

/** One email record, or null. */
export async function getEmail({ db, dialect }: SqlContext, id: string): Promise<EmailRecord | null> {
  if (!dialect.isId(id)) return null;
  const row = await db.selectFrom("emails").selectAll().where("id", "=", id).executeTakeFirst();
  return row ? toEmailRecord(row, dialect.values) : null;
}

/** Outbound emails carrying any of these Message-IDs (inbound reply matching). */
export async function findEmailsByMessageId(
  { db, dialect }: SqlContext,
  messageIds: readonly string[],
): Promise<EmailRecord[]> {
  const wanted = [...new Set(messageIds)];
  if (wanted.length === 0) return [];
  const rows = await db
    .selectFrom("emails")
    .selectAll()
    .where("message_id", "in", wanted)
    .where("direction", "=", sql.lit("outbound"))
    .orderBy("created_at")
    .orderBy("id")
    .execute();
  return rows.map((r) => toEmailRecord(r, dialect.values));
}

/** A page of emails, oldest first, optionally of one campaign or lead. */
export async function listEmails(
  { db, dialect }: SqlContext,
  query: { campaignId?: string; leadId?: string; limit: number; offset: number },
): Promise<EmailRecord[]> {
  if (query.campaignId !== undefined && !dialect.isId(query.campaignId)) return [];
  if (query.leadId !== undefined && !dialect.isId(query.leadId)) return [];
  let q = db.selectFrom("emails").selectAll();
  if (query.campaignId !== undefined) q = q.where("campaign_id", "=", query.campaignId);
  if (query.leadId !== undefined) q = q.where("lead_id", "=", query.leadId);
  const rows = await q.orderBy("created_at").orderBy("id").limit(query.limit).offset(query.offset).execute();
  return rows.map((r) => toEmailRecord(r, dialect.values));
}
