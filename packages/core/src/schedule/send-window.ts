import { z } from "zod";
import { type CampaignConfig, weekdaySchema } from "../campaign/campaign-schema.js";
import { CadenzaError, parseInput } from "../errors.js";
import {
  addLocalDays,
  assertValidDate,
  isKnownTimeZone,
  localDateTime,
  weekdayOf,
  zonedInstant,
} from "./zoned-time.js";

/**
 * When a lead may be emailed: on `sendDays`, from `sendTimeStart` (inclusive) to `sendTimeEnd`
 * (exclusive) o'clock, as the wall clock in `timezone` reads.
 */
export const sendWindowSchema = z
  .object({
    /** Days the window opens on, in the window's time zone. */
    sendDays: z.array(weekdaySchema).min(1, "Pick at least one send day"),
    /** First hour of the window, inclusive (0–23). */
    sendTimeStart: z.number().int().min(0).max(23),
    /** Hour the window closes, exclusive (1–24; 24 means midnight at the end of the day). */
    sendTimeEnd: z.number().int().min(1).max(24),
    /** IANA time zone the days and hours are read in. */
    timezone: z.string().refine(isKnownTimeZone, { message: "Unknown IANA time zone" }),
  })
  .refine((window) => window.sendTimeEnd > window.sendTimeStart, {
    path: ["sendTimeEnd"],
    message: "The send window must end after it starts",
  });

/** A send window: days, hours and the time zone they are read in. */
export type SendWindow = z.infer<typeof sendWindowSchema>;

// A window that opens on some weekday opens within 8 days; the margin covers days whose window a
// clock change swallows (a 2–3 window on a spring-forward day) and zones that skipped whole days.
const SEARCH_DAYS = 60;

/**
 * True when the wall clock in the window's zone at `at` is on a send day and in the send hours.
 *
 * ```ts
 * const window = { sendDays: ["monday"], sendTimeStart: 9, sendTimeEnd: 17, timezone: "Europe/Berlin" };
 * isInSendWindow(new Date("2026-01-05T08:30:00Z"), window); // true: 09:30 in Berlin on a Monday
 * ```
 */
export function isInSendWindow(at: Date, window: SendWindow): boolean {
  const local = localDateTime(at, window.timezone);
  return (
    window.sendDays.includes(weekdayOf(local)) &&
    local.hour >= window.sendTimeStart &&
    local.hour < window.sendTimeEnd
  );
}

/**
 * The first instant at or after `at` when the window is open: `at` itself when it is inside, else
 * the start hour of the next send day in the window's zone. A start hour that a spring-forward skips
 * opens at the jump (2:00 in New York on such a day opens at 3:00 EDT); a day whose whole window is
 * skipped is passed over. Throws VALIDATION for a window that can never open.
 *
 * ```ts
 * const window = { sendDays: ["monday", "friday"], sendTimeStart: 9, sendTimeEnd: 17, timezone: "America/New_York" };
 * nextWindowOpening(new Date("2026-03-06T23:00:00Z"), window); // 2026-03-09T13:00:00Z, Monday 9:00 EDT
 * ```
 */
export function nextWindowOpening(at: Date, window: SendWindow): Date {
  assertValidDate(at, ["at"]);
  parseInput(sendWindowSchema, window, ["window"]);
  if (isInSendWindow(at, window)) return at;
  const today = localDateTime(at, window.timezone);
  for (let offset = 0; offset <= SEARCH_DAYS; offset++) {
    const date = addLocalDays(today, offset);
    if (!window.sendDays.includes(weekdayOf(date))) continue;
    const opening = zonedInstant(
      { ...date, hour: window.sendTimeStart, minute: 0, second: 0 },
      window.timezone,
    );
    if (opening.getTime() >= at.getTime() && isInSendWindow(opening, window)) return opening;
  }
  throw new CadenzaError("VALIDATION", {
    issues: [
      {
        path: ["window"],
        message: `The send window does not open within ${SEARCH_DAYS} days`,
        code: "custom",
      },
    ],
  });
}

/** The campaign fields that shape its send window. */
export type SendWindowSettings = Pick<
  CampaignConfig,
  "sendDays" | "sendTimeStart" | "sendTimeEnd" | "timezone" | "useProspectTimezone"
>;

/**
 * The send window for one prospect of a campaign: the campaign's days and hours, read in the
 * prospect's own time zone when the campaign asks for it and the prospect has a known one, else in
 * the campaign's zone.
 *
 * ```ts
 * windowFor(campaign, { timezone: "Asia/Kolkata" }).timezone; // "Asia/Kolkata" if useProspectTimezone
 * ```
 */
export function windowFor(
  campaign: SendWindowSettings,
  prospect?: { timezone: string | null } | null,
): SendWindow {
  const prospectZone = prospect?.timezone;
  const timezone =
    campaign.useProspectTimezone && prospectZone && isKnownTimeZone(prospectZone)
      ? prospectZone
      : campaign.timezone;
  return {
    sendDays: [...campaign.sendDays],
    sendTimeStart: campaign.sendTimeStart,
    sendTimeEnd: campaign.sendTimeEnd,
    timezone,
  };
}
