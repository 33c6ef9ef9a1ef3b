import type { EventKind, StoredEvent } from "@cadenza/core";
import { toEvent } from "../rows/event-rows.js";
import type { SqlContext } from "../sql-context.js";

/**
 * Events oldest first (by time, then id), optionally narrowed. `after` is the id of the last event
 * already seen: the page starts past it (from the start when it is unknown).
 */
export async function listEvents(
  { db, dialect }: SqlContext,
  query: { campaignId?: string; leadId?: string; kinds?: EventKind[]; limit: number; after?: string },
): Promise<StoredEvent[]> {
  if (query.campaignId !== undefined && !dialect.isId(query.campaignId)) return [];
  if (query.leadId !== undefined && !dialect.isId(query.leadId)) return [];
  let q = db.selectFrom("events").selectAll();
  if (query.campaignId !== undefined) q = q.where("campaign_id", "=", query.campaignId);
  if (query.leadId !== undefined) q = q.where("lead_id", "=", query.leadId);
  if (query.kinds && query.kinds.length > 0) q = q.where("kind", "in", query.kinds);
  const cursor =
    query.after !== undefined
      ? await db.selectFrom("events").select(["at", "id"]).where("id", "=", query.after).executeTakeFirst()
      : undefined;
  if (cursor) {
    q = q.where((eb) =>
      eb.or([eb("at", ">", cursor.at), eb.and([eb("at", "=", cursor.at), eb("id", ">", cursor.id)])]),
    );
  }
  const rows = await q.orderBy("at").orderBy("id").limit(query.limit).execute();
  return rows.map((r) => toEvent(r, dialect.values));
}
