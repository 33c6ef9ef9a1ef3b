import { assertValidDate, formatLocalDate, localDateTime } from "./zoned-time.js";

/**
 * The calendar date (`YYYY-MM-DD`) of `at` in `timezone`: the day a campaign's daily limit counts in.
 *
 * ```ts
 * campaignDay(new Date("2026-01-05T20:00:00Z"), "Asia/Kolkata"); // "2026-01-06" (01:30 IST)
 * ```
 */
export function campaignDay(at: Date, timezone: string): string {
  return formatLocalDate(localDateTime(at, timezone));
}

/** The UTC calendar date (`YYYY-MM-DD`) of `at`. */
export function utcDay(at: Date): string {
  assertValidDate(at, ["at"]);
  return formatLocalDate({ year: at.getUTCFullYear(), month: at.getUTCMonth() + 1, day: at.getUTCDate() });
}
