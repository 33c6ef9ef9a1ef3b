import type { DailyActivity } from "@cadenza/core";
import { emptyStepCounters } from "@cadenza/core";
import { describe, expect, it } from "vitest";
import { CHART_SERIES, timeSeriesChart, yAxisTicks } from "./time-series-chart.js";

const day = (date: string, values: Partial<DailyActivity> = {}): DailyActivity => ({
  day: date,
  ...emptyStepCounters(),
  ...values,
});

describe("yAxisTicks", () => {
  it("steps by 1, 2 or 5 times a power of ten up to a tick at or above the maximum", () => {
    expect(yAxisTicks(0)).toEqual([0, 1]);
    expect(yAxisTicks(1)).toEqual([0, 1]);
    expect(yAxisTicks(3)).toEqual([0, 1, 2, 3]);
    expect(yAxisTicks(12)).toEqual([0, 5, 10, 15]);
    expect(yAxisTicks(40)).toEqual([0, 10, 20, 30, 40]);
    expect(yAxisTicks(1234)).toEqual([0, 500, 1000, 1500]);
  });

  it("never draws more than six ticks", () => {
    for (let max = 0; max < 5000; max += 7) {
      const ticks = yAxisTicks(max);
      expect(ticks.length).toBeLessThanOrEqual(6);
      expect(ticks.at(-1)).toBeGreaterThanOrEqual(max);
    }
  });
});

describe("timeSeriesChart", () => {
  const series = {
    campaignId: "c",
    timezone: "Europe/Lisbon",
    days: [
      day("2026-01-05", { sent: 40, opens: 12, clicks: 3, replies: 2 }),
      day("2026-01-06", { opens: 5 }),
      day("2026-01-07"),
    ],
  };

  it("draws one marker per day for each measure, with its value and a title", () => {
    const svg = timeSeriesChart(series).markup;
    for (const [name] of CHART_SERIES) {
      const group = svg.slice(svg.indexOf(`data-series="${name}"`)).split("</g>")[0]!;
      expect(group.match(/data-day="/g), name).toHaveLength(3);
      expect(group).toContain(`data-day="2026-01-05" data-value="${series.days[0]![name]}"`);
    }
    expect(svg).toContain("<title>2026-01-06: 5 opens</title>");
    expect(svg).toContain("Daily sent, opens, clicks and replies, 5 Jan – 7 Jan 2026 (Europe/Lisbon)");
    expect(svg).toContain("Sent (40)");
    expect(svg.match(/<polyline /g)).toHaveLength(4);
  });

  it("draws a single day as markers without lines", () => {
    const svg = timeSeriesChart({ ...series, days: [day("2026-01-05", { sent: 1 })] }).markup;
    expect(svg).not.toContain("<polyline");
    expect(svg.match(/data-day="2026-01-05"/g)).toHaveLength(4 + 1); // four markers and the table row
  });

  it("labels at most fourteen days on the axis of a long range", () => {
    const days = Array.from({ length: 92 }, (_, i) =>
      day(new Date(Date.UTC(2026, 0, 1 + i)).toISOString().slice(0, 10)),
    );
    const svg = timeSeriesChart({ ...series, days }).markup;
    const labels = svg.match(/text-anchor="middle">\d+ [A-Z][a-z]{2}</g)!;
    expect(labels.length).toBeLessThanOrEqual(14);
    expect(svg.match(/<circle [^>]*data-day=/g)).toHaveLength(92);
  });
});
