import { type DailyActivity, emptyStepCounters } from "@cadenza/core";
import { readCounters } from "../counters/counter-columns.js";
import type { SqlContext } from "../sql-context.js";

const DAY_MS = 86_400_000;

/** A campaign's per-day counters over an inclusive range of days, one entry per day (zeros where idle). */
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
  const byDay = new Map(rows.map((r) => [r.day, readCounters(r)]));
  const out: DailyActivity[] = [];
  // Days are calendar labels: stepping through them in UTC never skips or repeats one.
  const from = Date.parse(`${range.fromDay}T00:00:00Z`);
  const to = Date.parse(`${range.toDay}T00:00:00Z`);
  if (Number.isNaN(from) || Number.isNaN(to)) return rows.map((r) => ({ day: r.day, ...readCounters(r) }));
  for (let t = from; t <= to; t += DAY_MS) {
    const day = new Date(t).toISOString().slice(0, 10);
    out.push({ day, ...(byDay.get(day) ?? emptyStepCounters()) });
  }
  return out;
}
