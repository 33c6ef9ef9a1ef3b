import type { Lead, LeadStatus } from "@cadenza/core";
import { sql } from "kysely";
import { toLead } from "../rows/lead-rows.js";
import type { SqlContext } from "../sql-context.js";

/** One lead, or null. */
export async function getLead({ db, dialect }: SqlContext, id: string): Promise<Lead | null> {
  if (!dialect.isId(id)) return null;
  const row = await db.selectFrom("campaign_leads").selectAll().where("id", "=", id).executeTakeFirst();
  return row ? toLead(row) : null;
}

/** The lead of a prospect in a campaign, or null. */
export async function findLead(
  { db, dialect }: SqlContext,
  campaignId: string,
  prospectId: string,
): Promise<Lead | null> {
  if (!dialect.isId(campaignId) || !dialect.isId(prospectId)) return null;
  const row = await db
    .selectFrom("campaign_leads")
    .selectAll()
    .where("campaign_id", "=", campaignId)
    .where("prospect_id", "=", prospectId)
    .executeTakeFirst();
  return row ? toLead(row) : null;
}

/** A page of a campaign's leads in enrollment order, optionally of one status. */
export async function listLeads(
  { db, dialect }: SqlContext,
  campaignId: string,
  options: { status?: LeadStatus; limit: number; offset: number },
): Promise<Lead[]> {
  if (!dialect.isId(campaignId)) return [];
  let query = db.selectFrom("campaign_leads").selectAll().where("campaign_id", "=", campaignId);
  if (options.status) query = query.where("status", "=", options.status);
  const rows = await query
    .orderBy("created_at")
    .orderBy("id")
    .limit(options.limit)
    .offset(options.offset)
    .execute();
  return rows.map(toLead);
}

/** Paused leads whose `paused_until` has passed, earliest first. */
export async function findLeadsToResume(
  { db, dialect }: SqlContext,
  now: Date,
  limit: number,
): Promise<Lead[]> {
  const rows = await db
    .selectFrom("campaign_leads")
    .selectAll()
    .where("status", "=", sql.lit("paused"))
    .where("paused_until", "is not", null)
    .where("paused_until", "<=", dialect.values.time(now))
    .orderBy("paused_until")
    .orderBy("id")
    .limit(limit)
    .execute();
  return rows.map(toLead);
}
