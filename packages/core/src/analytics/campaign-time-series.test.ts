import { describe, expect, it } from "vitest";
import { isCadenzaError } from "../errors.js";
import { campaignFixture, memoryStore, sequentialIds } from "../testing/index.js";
import { campaignTimeSeries, MAX_TIME_SERIES_DAYS } from "./campaign-time-series.js";
import type { CounterDelta } from "./counters.js";

async function kolkataCampaign() {
  const store = memoryStore();
  const campaign = await store.createCampaign(
    campaignFixture(sequentialIds(1), { timezone: "Asia/Kolkata" }),
  );
  const at = (day: string, field: CounterDelta["field"], by: number, stepNumber = 1): CounterDelta => ({
    campaignId: campaign.id,
    stepNumber,
    variant: "A",
    field,
    by,
    day,
  });
  store.tables.applyCounters([
    at("2026-02-27", "sent", 40),
    at("2026-02-27", "opens", 5),
    at("2026-03-01", "sent", 10, 2),
    at("2026-03-01", "replies", 2),
    at("2026-03-01", "clicks", 1),
    at("2026-03-05", "sent", 99),
  ]);
  return { store, campaignId: campaign.id };
}

describe("the campaign time series", () => {
  it("has one row per day of the range, oldest first, with zeros on quiet days", async () => {
    const { store, campaignId } = await kolkataCampaign();
    const series = await campaignTimeSeries({ store }, campaignId, {
      fromDay: "2026-02-26",
      toDay: "2026-03-02",
    });
    expect(series.timezone).toBe("Asia/Kolkata");
    expect(series.days.map((d) => [d.day, d.sent, d.opens, d.clicks, d.replies])).toEqual([
      ["2026-02-26", 0, 0, 0, 0],
      ["2026-02-27", 40, 5, 0, 0],
      ["2026-02-28", 0, 0, 0, 0],
      ["2026-03-01", 10, 0, 1, 2],
      ["2026-03-02", 0, 0, 0, 0],
    ]);
    expect(series.days.every((d) => d.unsubscribes === 0 && d.machineOpens === 0)).toBe(true);
  });

  it("counts 29 February in a leap year and a single-day range", async () => {
    const { store, campaignId } = await kolkataCampaign();
    const leap = await campaignTimeSeries({ store }, campaignId, {
      fromDay: "2028-02-28",
      toDay: "2028-03-01",
    });
    expect(leap.days.map((d) => d.day)).toEqual(["2028-02-28", "2028-02-29", "2028-03-01"]);
    const one = await campaignTimeSeries({ store }, campaignId, {
      fromDay: "2026-03-05",
      toDay: "2026-03-05",
    });
    expect(one.days).toHaveLength(1);
    expect(one.days[0]!.sent).toBe(99);
  });

  it("rejects impossible dates, reversed ranges and ranges over the maximum, naming the field", async () => {
    const { store, campaignId } = await kolkataCampaign();
    const cases = [
      [{ fromDay: "2026-02-30", toDay: "2026-03-02" }, "range.fromDay"],
      [{ fromDay: "2026-3-1", toDay: "2026-03-02" }, "range.fromDay"],
      [{ fromDay: "2026-03-02", toDay: "2026-03-01" }, "range.toDay"],
      [{ fromDay: "2000-01-01", toDay: "2026-01-01" }, "range.toDay"],
    ] as const;
    for (const [range, path] of cases) {
      await expect(campaignTimeSeries({ store }, campaignId, range)).rejects.toSatisfy(
        (e) => isCadenzaError(e, "VALIDATION") && e.issues[0]?.path.join(".") === path,
      );
    }
    const longest = await campaignTimeSeries({ store }, campaignId, {
      fromDay: "2020-01-01",
      toDay: "2030-01-07",
    });
    expect(longest.days).toHaveLength(MAX_TIME_SERIES_DAYS);
  });

  it("answers NOT_FOUND for a campaign that does not exist", async () => {
    await expect(
      campaignTimeSeries({ store: memoryStore() }, "nope", { fromDay: "2026-01-01", toDay: "2026-01-02" }),
    ).rejects.toSatisfy((e) => isCadenzaError(e, "NOT_FOUND"));
  });
});
