import type { EventKind, StoredEvent } from "@cadenza/core";
import { toEvent } from "../rows/event-rows.js";
import type { SqlContext } from "../sql-context.js";

/** Events in log order, optionally narrowed, starting after the event with id `after`. */
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
  if (query.after !== undefined) {
    const after = query.after;
    if (!dialect.isId(after)) return [];
    q = q.where("seq", ">", (eb) =>
      eb.selectFrom("events as cursor").select("cursor.seq").where("cursor.id", "=", after),
    );
  }
  const rows = await q.orderBy("seq").limit(query.limit).execute();
  return rows.map((r) => toEvent(r, dialect.values));
}
