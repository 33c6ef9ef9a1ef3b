import { z } from "zod";
import { parseInput } from "../errors.js";
import { isInSendWindow, nextWindowOpening, sendWindowSchema } from "./send-window.js";
import { addLocalDays, localDateTime, zonedInstant } from "./zoned-time.js";

const HOUR_MS = 3_600_000;

/** What `nextSendTime` needs: where the wait starts, how long it is, and the window to land in. */
export const nextSendTimeInputSchema = z.object({
  /** When the wait starts: the previous send, or the enrollment for a first step. */
  from: z.date(),
  /** Calendar days to wait in the window's zone: 10:15 plus one day is 10:15 the next day. */
  delayDays: z.number().int().min(0),
  /** Hours to wait on top of the days, as elapsed time. */
  delayHours: z.number().min(0).finite(),
  window: sendWindowSchema,
  /**
   * Milliseconds to add after snapping to the window, already drawn by the caller from its random
   * source (spreads sends that would otherwise all go out at the window's first second).
   */
  jitterMs: z.number().min(0).finite().optional(),
});
export type NextSendTimeInput = z.input<typeof nextSendTimeInputSchema>;

/**
 * When a step is due: `from` plus `delayDays` calendar days (in the window's zone) plus `delayHours`
 * elapsed hours, moved to the next opening of the send window, plus the jitter — moved again to the
 * next opening if the jitter carried it out of the window. Never outside the window, never on a day
 * the window is closed, never before the delay has passed.
 *
 * ```ts
 * const window = { sendDays: ["monday", "tuesday", "wednesday", "thursday", "friday"], sendTimeStart: 9, sendTimeEnd: 17, timezone: "America/New_York" };
 * // Thursday 10:00 + 2 days is Saturday: the step goes out Monday at 9:00.
 * nextSendTime({ from: new Date("2026-01-08T15:00:00Z"), delayDays: 2, delayHours: 0, window }); // 2026-01-12T14:00:00Z
 * ```
 */
export function nextSendTime(input: NextSendTimeInput): Date {
  const { from, delayDays, delayHours, window, jitterMs = 0 } = parseInput(nextSendTimeInputSchema, input);
  const afterDays = addCalendarDays(from, delayDays, window.timezone);
  const due = new Date(afterDays.getTime() + delayHours * HOUR_MS);
  const opening = nextWindowOpening(due, window);
  if (jitterMs === 0) return opening;
  const jittered = new Date(opening.getTime() + jitterMs);
  return isInSendWindow(jittered, window) ? jittered : nextWindowOpening(jittered, window);
}

/**
 * The same wall-clock time `days` calendar days later in `timeZone`. A time that the clock change of
 * the target day skips becomes the moment of the jump; one it repeats becomes the earlier instant.
 */
export function addCalendarDays(from: Date, days: number, timeZone: string): Date {
  // Zero days must keep `from` as is: resolving its wall clock again could pick the earlier of two
  // instants when `from` lies in the repeated hour of a fall-back.
  if (days === 0) return from;
  const local = localDateTime(from, timeZone);
  const date = addLocalDays(local, days);
  const milliseconds = ((from.getTime() % 1000) + 1000) % 1000;
  const instant = zonedInstant({ ...local, ...date }, timeZone);
  return new Date(instant.getTime() + milliseconds);
}
