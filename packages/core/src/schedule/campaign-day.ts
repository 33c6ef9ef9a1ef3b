import { assertValidDate, formatLocalDate, localDateTime, offsetMs } from "./zoned-time.js";

const QUARTER_HOUR_MS = 900_000;

// Opens, clicks and sends ask the day of the same few zones at nearly the same instant, thousands of
// times a second, and reading a wall clock costs a formatter call: per zone, the last quarter-hour of
// UTC whose day is known to hold throughout it is kept with that day.
const knownQuarters = new Map<string, { quarter: number; day: string }>();

/**
 * The calendar date (`YYYY-MM-DD`) of `at` in `timezone`: the day a campaign's daily limit counts in.
 *
 * ```ts
 * campaignDay(new Date("2026-01-05T20:00:00Z"), "Asia/Kolkata"); // "2026-01-06" (01:30 IST)
 * ```
 */
export function campaignDay(at: Date, timezone: string): string {
  assertValidDate(at, ["at"]);
  const quarter = Math.floor(at.getTime() / QUARTER_HOUR_MS);
  const known = knownQuarters.get(timezone);
  if (known?.quarter === quarter) return known.day;
  const day = formatLocalDate(localDateTime(at, timezone));
  if (sameDayThroughout(quarter, timezone)) knownQuarters.set(timezone, { quarter, day });
  return day;
}

/**
 * True when the zone's day cannot change within a quarter-hour of UTC: its offset is the same at the
 * quarter's first and last second and a whole number of quarter-hours (every offset in use today, but
 * not the local mean times of the 19th century). Then local midnight, a whole number of quarter-hours
 * from UTC midnight, falls on a quarter's edge, never inside one. This trusts, as `zonedInstant` does,
 * that no zone changes its offset twice within minutes.
 */
function sameDayThroughout(quarter: number, timezone: string): boolean {
  const start = quarter * QUARTER_HOUR_MS;
  const offset = offsetMs(start, timezone);
  return offset % QUARTER_HOUR_MS === 0 && offsetMs(start + QUARTER_HOUR_MS - 1000, timezone) === offset;
}

/** The UTC calendar date (`YYYY-MM-DD`) of `at`. */
export function utcDay(at: Date): string {
  assertValidDate(at, ["at"]);
  return formatLocalDate({ year: at.getUTCFullYear(), month: at.getUTCMonth() + 1, day: at.getUTCDate() });
}
