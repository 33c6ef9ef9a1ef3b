import { WEEKDAYS, type Weekday } from "../campaign/campaign-schema.js";
import { CadenzaError } from "../errors.js";

/** A calendar date as a wall calendar in some time zone shows it (month 1–12). */
export interface LocalDate {
  year: number;
  month: number;
  day: number;
}

/** A wall-clock reading in some time zone, to the second. */
export interface LocalDateTime extends LocalDate {
  hour: number;
  minute: number;
  second: number;
}

const SECOND_MS = 1000;
const DAY_MS = 86_400_000;

// Building a DateTimeFormat costs far more than using one, and a dispatcher reads the same few zones
// for every lead; the cache holds one formatter per zone name.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  const cached = formatters.get(timeZone);
  if (cached) return cached;
  let formatter: Intl.DateTimeFormat;
  try {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
  } catch (cause) {
    throw new CadenzaError("VALIDATION", {
      issues: [{ path: ["timezone"], message: `Unknown IANA time zone "${timeZone}"`, code: "custom" }],
      cause,
    });
  }
  formatters.set(timeZone, formatter);
  return formatter;
}

/** True when `timeZone` is an IANA zone this runtime knows (cached, unlike `isValidTimeZone`). */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** Throws a VALIDATION error when `at` is not a usable instant. */
export function assertValidDate(at: Date, path: (string | number)[]): void {
  if (!(at instanceof Date) || Number.isNaN(at.getTime())) {
    throw new CadenzaError("VALIDATION", {
      issues: [{ path, message: "Expected a valid date", code: "invalid_type" }],
    });
  }
}

/** The wall clock in `timeZone` at the instant `at`. */
export function localDateTime(at: Date, timeZone: string): LocalDateTime {
  assertValidDate(at, ["at"]);
  const local: LocalDateTime = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const part of formatterFor(timeZone).formatToParts(at)) {
    if (part.type in local) local[part.type as keyof LocalDateTime] = Number(part.value);
  }
  // Some ICU builds still print midnight as 24 despite h23.
  if (local.hour === 24) local.hour = 0;
  return local;
}

/** Milliseconds since the epoch of a wall-clock reading taken as if it were UTC. */
export function wallClockMs(local: LocalDate & Partial<LocalDateTime>): number {
  const date = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not map years 0–99 to 1900–1999.
  date.setUTCFullYear(local.year, local.month - 1, local.day);
  date.setUTCHours(local.hour ?? 0, local.minute ?? 0, local.second ?? 0, 0);
  return date.getTime();
}

function wallClockAt(instantMs: number, timeZone: string): number {
  return wallClockMs(localDateTime(new Date(instantMs), timeZone));
}

/** The zone's offset from UTC at an instant, in milliseconds (e.g. -5 h for New York in winter). */
export function offsetMs(instantMs: number, timeZone: string): number {
  const wholeSecond = Math.floor(instantMs / SECOND_MS) * SECOND_MS;
  return wallClockAt(wholeSecond, timeZone) - wholeSecond;
}

/**
 * The first instant at which the wall clock in `timeZone` reads `local` or later: the instant itself
 * when the reading happens once, the earlier one when clocks fall back and it happens twice, and the
 * moment of the jump when clocks spring forward over it.
 */
export function zonedInstant(local: LocalDateTime, timeZone: string): Date {
  const target = wallClockMs(local);
  // Offsets a day either side bracket every instant whose wall clock can read `target` (no zone is
  // more than 14 hours from UTC) as long as the zone changes its offset at most once in two days.
  const offsets = [
    ...new Set([
      offsetMs(target - DAY_MS, timeZone),
      offsetMs(target, timeZone),
      offsetMs(target + DAY_MS, timeZone),
    ]),
  ];
  const exact = offsets
    .map((offset) => target - offset)
    .filter((instant) => wallClockAt(instant, timeZone) === target);
  if (exact.length > 0) return new Date(Math.min(...exact));

  // A gap: search for the jump, where the wall clock passes from before `target` to after it.
  let before = target - Math.max(...offsets);
  let after = target - Math.min(...offsets);
  while (after - before > SECOND_MS) {
    const middle = before + Math.floor((after - before) / (2 * SECOND_MS)) * SECOND_MS;
    if (wallClockAt(middle, timeZone) >= target) after = middle;
    else before = middle;
  }
  return new Date(after);
}

/** The calendar date `days` after `date` (negative: before). */
export function addLocalDays(date: LocalDate, days: number): LocalDate {
  const moved = new Date(wallClockMs(date) + days * DAY_MS);
  return { year: moved.getUTCFullYear(), month: moved.getUTCMonth() + 1, day: moved.getUTCDate() };
}

/** The day of the week of a calendar date. */
export function weekdayOf(date: LocalDate): Weekday {
  const sundayFirst = new Date(wallClockMs(date)).getUTCDay();
  return WEEKDAYS[(sundayFirst + 6) % 7]!;
}

/** `YYYY-MM-DD` for a calendar date. */
export function formatLocalDate(date: LocalDate): string {
  const year = String(date.year).padStart(4, "0");
  return `${year}-${String(date.month).padStart(2, "0")}-${String(date.day).padStart(2, "0")}`;
}
