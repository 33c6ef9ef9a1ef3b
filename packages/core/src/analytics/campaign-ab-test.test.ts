import { describe, expect, it } from "vitest";
import type { VariantName } from "../campaign/campaign-schema.js";
import { isCadenzaError } from "../errors.js";
import { campaignFixture, memoryStore, sequentialIds } from "../testing/index.js";
import { campaignAbTest } from "./campaign-ab-test.js";
import type { StepCounters } from "./counters.js";

async function campaignWith(rows: { step: number; variant: VariantName; counts: Partial<StepCounters> }[]) {
  const store = memoryStore();
  const campaign = await store.createCampaign(campaignFixture(sequentialIds(1)));
  store.tables.applyCounters(
    rows.flatMap(({ step, variant, counts }) =>
      Object.entries(counts).map(([field, by]) => ({
        campaignId: campaign.id,
        stepNumber: step,
        variant,
        field: field as keyof StepCounters,
        by: by as number,
        day: "2026-01-05",
      })),
    ),
  );
  return { store, campaignId: campaign.id };
}

describe("the campaign A/B test", () => {
  it("names B the winner when its reply rate is higher with p below 1 − confidence", async () => {
    const { store, campaignId } = await campaignWith([
      { step: 1, variant: "A", counts: { sent: 1000, replies: 20, opens: 300 } },
      { step: 1, variant: "B", counts: { sent: 1000, replies: 45, opens: 310 } },
    ]);
    const test = await campaignAbTest({ store }, campaignId);
    expect(test).toMatchObject({ confidence: 0.95, minSample: 100, minExpectedSuccesses: 5 });
    const step = test.steps[0]!;
    expect(step.stepNumber).toBe(1);
    // Pooled p̂ = 0.0325, SE = √(0.0325 · 0.9675 · 0.002) = 0.0079300, z = 0.025 / SE = 3.1525.
    expect(step.replies.z).toBeCloseTo(3.15252, 5);
    expect(step.replies.pValue).toBeCloseTo(0.00162, 5);
    expect(step.replies.verdict).toBe("B");
    expect(step.replies.difference).toBeCloseTo(0.025, 12);
    expect(step.replies.confidenceInterval.lower).toBeGreaterThan(0);
    // 30 % vs 31 % opens: not significant.
    expect(step.opens.verdict).toBe("undecided");
    expect(step.opens.sampleReached).toBe(true);

    const strict = await campaignAbTest({ store }, campaignId, { confidence: 0.999 });
    expect(strict.steps[0]!.replies.verdict).toBe("undecided");
    expect(strict.steps[0]!.replies.confidenceInterval.confidence).toBe(0.999);
  });

  it("names A when A is significantly higher", async () => {
    const { store, campaignId } = await campaignWith([
      { step: 1, variant: "A", counts: { sent: 500, opens: 200 } },
      { step: 1, variant: "B", counts: { sent: 500, opens: 150 } },
    ]);
    const { steps } = await campaignAbTest({ store }, campaignId);
    expect(steps[0]!.opens.verdict).toBe("A");
    expect(steps[0]!.opens.difference).toBeCloseTo(-0.1, 12);
  });

  it("gives no verdict before each variant has the minimum of delivered emails", async () => {
    // B is far ahead, but A delivered 99: 105 sent − 6 bounces.
    const { store, campaignId } = await campaignWith([
      { step: 1, variant: "A", counts: { sent: 105, bouncedHard: 4, bouncedSoft: 2, replies: 1 } },
      { step: 1, variant: "B", counts: { sent: 400, replies: 80 } },
    ]);
    const { steps } = await campaignAbTest({ store }, campaignId);
    expect(steps[0]!.replies).toMatchObject({ trialsA: 99, trialsB: 400, sampleReached: false });
    expect(steps[0]!.replies.verdict).toBe("insufficient_sample");
    expect(steps[0]!.replies.pValue).toBeLessThan(0.001);
    const smaller = await campaignAbTest({ store }, campaignId, { minSample: 99 });
    expect(smaller.steps[0]!.replies.verdict).toBe("B");
  });

  it("gives no verdict before five successes are expected per variant", async () => {
    // Pooled reply rate 4 / 400 = 1 %: 2 expected per variant.
    const { store, campaignId } = await campaignWith([
      { step: 1, variant: "A", counts: { sent: 200, replies: 1 } },
      { step: 1, variant: "B", counts: { sent: 200, replies: 3 } },
    ]);
    const { steps } = await campaignAbTest({ store }, campaignId);
    expect(steps[0]!.replies.minExpected).toBeCloseTo(2, 12);
    expect(steps[0]!.replies.verdict).toBe("insufficient_sample");
    const lenient = await campaignAbTest({ store }, campaignId, { minExpectedSuccesses: 2 });
    expect(lenient.steps[0]!.replies.verdict).toBe("undecided");
  });

  it("tests only steps where both variants sent", async () => {
    const { store, campaignId } = await campaignWith([
      { step: 1, variant: "A", counts: { sent: 10 } },
      { step: 1, variant: "B", counts: { sent: 10 } },
      { step: 2, variant: "A", counts: { sent: 10 } },
    ]);
    const { steps } = await campaignAbTest({ store }, campaignId);
    expect(steps.map((s) => s.stepNumber)).toEqual([1]);
    expect(steps[0]!.sent).toEqual({ A: 10, B: 10 });
  });

  it("rejects a confidence outside (0.5, 1) with the field path", async () => {
    const { store, campaignId } = await campaignWith([]);
    await expect(campaignAbTest({ store }, campaignId, { confidence: 0.3 })).rejects.toSatisfy(
      (e) => isCadenzaError(e, "VALIDATION") && e.issues[0]?.path.join(".") === "options.confidence",
    );
  });
});
