import type { Campaign } from "@cadenza/core";
import { toCampaign } from "../rows/campaign-rows.js";
import type { SqlContext } from "../sql-context.js";

/** One campaign with its steps, or null. */
export async function getCampaign({ db, dialect }: SqlContext, id: string): Promise<Campaign | null> {
  if (!dialect.isId(id)) return null;
  const row = await db.selectFrom("campaigns").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) return null;
  const steps = await db.selectFrom("campaign_sequences").selectAll().where("campaign_id", "=", id).execute();
  return toCampaign(row, steps, dialect.values);
}

/** All campaigns, newest first, with their steps (two queries, whatever the count). */
export async function listCampaigns(
  { db, dialect }: SqlContext,
  options: { active?: boolean } = {},
): Promise<Campaign[]> {
  let query = db.selectFrom("campaigns").selectAll().orderBy("created_at", "desc").orderBy("id", "desc");
  if (options.active !== undefined) query = query.where("active", "=", dialect.values.bool(options.active));
  const rows = await query.execute();
  if (rows.length === 0) return [];
  const steps = await db
    .selectFrom("campaign_sequences")
    .selectAll()
    .where(
      "campaign_id",
      "in",
      rows.map((r) => r.id),
    )
    .execute();
  return rows.map((row) => toCampaign(row, steps, dialect.values));
}
