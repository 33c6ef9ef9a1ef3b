import { z } from "zod";
import { parseInput } from "../errors.js";
import type { DailyActivity } from "../ports.js";
import { utcDay } from "../schedule/index.js";
import { type AnalyticsContext, campaignOrThrow } from "./analytics-context.js";
import { emptyStepCounters } from "./counters.js";

const DAY_MS = 86_400_000;
/** Longest range one call may ask for, so a typo cannot ask for a million rows. */
export const MAX_TIME_SERIES_DAYS = 3_660;

function dayNumber(day: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) return null;
  const [year, month, date] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const ms = Date.UTC(year, month - 1, date);
  // Date.UTC rolls 2026-02-30 over to March: a day that does not round-trip does not exist.
  return utcDay(new Date(ms)) === day ? ms / DAY_MS : null;
}

const daySchema = z
  .string()
  .refine((d) => dayNumber(d) !== null, { message: "Expected a date as YYYY-MM-DD" });

/** The inclusive range of campaign days a time series covers. */
export const timeSeriesRangeSchema = z
  .object({ fromDay: daySchema, toDay: daySchema })
  .superRefine((range, ctx) => {
    const from = dayNumber(range.fromDay);
    const to = dayNumber(range.toDay);
    if (from === null || to === null) return;
    if (to < from) ctx.addIssue({ code: "custom", path: ["toDay"], message: "toDay is before fromDay" });
    else if (to - from + 1 > MAX_TIME_SERIES_DAYS) {
      ctx.addIssue({
        code: "custom",
        path: ["toDay"],
        message: `A time series covers at most ${MAX_TIME_SERIES_DAYS} days`,
      });
    }
  });
export type TimeSeriesRange = z.input<typeof timeSeriesRangeSchema>;

/** One row per campaign day, oldest first, with every counter (zeros on quiet days). */
export interface CampaignTimeSeries {
  campaignId: string;
  /** The campaign's time zone: each `day` is a calendar day there. */
  timezone: string;
  days: DailyActivity[];
}

/**
 * Daily activity of a campaign — sent, opens, clicks, replies and the other counters — one row per
 * calendar day in the campaign's time zone, from the store's daily counters. Sends count on the day
 * they went out; opens, clicks, replies, bounces and unsubscribes on the day they happened.
 *
 * ```ts
 * const { days } = await campaignTimeSeries({ store }, campaignId, { fromDay: "2026-03-01", toDay: "2026-03-31" });
 * days.map((d) => [d.day, d.sent, d.opens, d.replies]);
 * ```
 */
export async function campaignTimeSeries(
  ctx: AnalyticsContext,
  campaignId: string,
  range: TimeSeriesRange,
): Promise<CampaignTimeSeries> {
  const { fromDay, toDay } = parseInput(timeSeriesRangeSchema, range, ["range"]);
  const campaign = await campaignOrThrow(ctx, campaignId);
  const stored = await ctx.store.getDailyActivity(campaignId, { fromDay, toDay });
  const byDay = new Map(stored.map((row) => [row.day, row]));
  const days: DailyActivity[] = [];
  for (let n = dayNumber(fromDay)!, last = dayNumber(toDay)!; n <= last; n++) {
    const day = utcDay(new Date(n * DAY_MS));
    const row = byDay.get(day);
    days.push(row ? { ...emptyStepCounters(), ...row, day } : { day, ...emptyStepCounters() });
  }
  return { campaignId, timezone: campaign.timezone, days };
}
