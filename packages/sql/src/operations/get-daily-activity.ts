import type { DailyActivity } from "@cadenza/core";
import { readCounters } from "../counters/counter-columns.js";
import type { SqlContext } from "../sql-context.js";

/** A campaign's per-day counters over an inclusive range of days: the days that have a counter row. */
export async function getDailyActivity(
  { db, dialect }: SqlContext,
  campaignId: string,
  range: { fromDay: string; toDay: string },
): Promise<DailyActivity[]> {
  if (!dialect.isId(campaignId)) return [];
  const rows = await db
    .selectFrom("campaign_daily_counters")
    .selectAll()
    .where("campaign_id", "=", campaignId)
    .where("day", ">=", range.fromDay)
    .where("day", "<=", range.toDay)
    .orderBy("day")
    .execute();
  return rows.map((r) => ({ day: r.day, ...readCounters(r) }));
}
