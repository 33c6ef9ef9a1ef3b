import type { TrackingTarget } from "@cadenza/core";
import { sql } from "kysely";
import { readTime, readTimeOrNull } from "../read-values.js";
import type { SqlContext } from "../sql-context.js";

/**
 * What tracking requests need of their outbound emails, with each campaign's time zone, in one
 * statement: the narrow columns only, never the rendered content. Unknown and malformed ids are left out.
 */
export async function getTrackingTargets(
  { db, dialect }: SqlContext,
  emailIds: readonly string[],
): Promise<TrackingTarget[]> {
  const ids = [...new Set(emailIds)].filter((id) => dialect.isId(id));
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom("emails as e")
    .leftJoin("campaigns as c", "c.id", "e.campaign_id")
    .select([
      "e.id",
      "e.campaign_id",
      "e.lead_id",
      "e.links",
      "e.to_email",
      "e.sent_at",
      "e.created_at",
      "c.timezone",
    ])
    .where("e.id", "in", ids)
    .where("e.direction", "=", sql.lit("outbound"))
    .execute();
  return rows.map((r) => ({
    id: r.id,
    campaignId: r.campaign_id,
    leadId: r.lead_id,
    links: dialect.values.readTextArray(r.links),
    toEmail: r.to_email,
    sentAt: readTimeOrNull(r.sent_at),
    createdAt: readTime(r.created_at),
    timezone: r.timezone ?? "UTC",
  }));
}
