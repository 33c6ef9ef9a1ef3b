import { type Campaign, campaignDay } from "@cadenza/core";

const DAY_MS = 86_400_000;
/** Most days the chart shows by default: a campaign older than this shows its last days. */
export const DEFAULT_CHART_DAYS = 92;

/** `day` (YYYY-MM-DD) moved by `days`. */
export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** An inclusive range of campaign days. */
export interface DayRange {
  fromDay: string;
  toDay: string;
}

/**
 * The chart's default range: from the day the campaign was created to today, both in the campaign's
 * time zone, at most `DEFAULT_CHART_DAYS` days (the latest ones).
 */
export function defaultChartRange(campaign: Pick<Campaign, "createdAt" | "timezone">, now: Date): DayRange {
  const toDay = campaignDay(now, campaign.timezone);
  const created = campaignDay(campaign.createdAt, campaign.timezone);
  const earliest = addDays(toDay, -(DEFAULT_CHART_DAYS - 1));
  // Days as YYYY-MM-DD compare as strings.
  if (created > toDay) return { fromDay: toDay, toDay };
  return { fromDay: created.localeCompare(earliest) < 0 ? earliest : created, toDay };
}

/** The range links above the chart: since the start (the default), the last 7 and the last 30 days. */
export function chartRangeChoices(
  defaultRange: DayRange,
  path: string,
): { label: string; href: string; range: DayRange | null }[] {
  const last = (days: number): DayRange => ({
    fromDay: addDays(defaultRange.toDay, -(days - 1)),
    toDay: defaultRange.toDay,
  });
  const link = (range: DayRange) => `${path}?from=${range.fromDay}&to=${range.toDay}`;
  return [
    { label: "since the start", href: path, range: null },
    { label: "last 7 days", href: link(last(7)), range: last(7) },
    { label: "last 30 days", href: link(last(30)), range: last(30) },
  ];
}
