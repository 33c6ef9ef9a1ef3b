import { describe, expect, it } from "vitest";
import { addDays, chartRangeChoices, DEFAULT_CHART_DAYS, defaultChartRange } from "./chart-range.js";

describe("the chart's default range", () => {
  it("runs from the campaign's first day to today, in its time zone", () => {
    const range = defaultChartRange(
      { createdAt: new Date("2026-01-04T23:30:00Z"), timezone: "Europe/Berlin" },
      new Date("2026-01-08T23:30:00Z"),
    );
    expect(range).toEqual({ fromDay: "2026-01-05", toDay: "2026-01-09" });
  });

  it("shows the latest days of an old campaign", () => {
    const range = defaultChartRange(
      { createdAt: new Date("2024-01-01T00:00:00Z"), timezone: "UTC" },
      new Date("2026-03-31T12:00:00Z"),
    );
    expect(range).toEqual({ fromDay: addDays("2026-03-31", -(DEFAULT_CHART_DAYS - 1)), toDay: "2026-03-31" });
    expect(range.fromDay).toBe("2025-12-30");
  });

  it("offers the last 7 and 30 days ending today", () => {
    const choices = chartRangeChoices(
      { fromDay: "2026-01-05", toDay: "2026-03-01" },
      "/dashboard/campaigns/x",
    );
    expect(choices.map((c) => c.href)).toEqual([
      "/dashboard/campaigns/x",
      "/dashboard/campaigns/x?from=2026-02-23&to=2026-03-01",
      "/dashboard/campaigns/x?from=2026-01-31&to=2026-03-01",
    ]);
  });
});
