import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { assignVariant, variantContentForStep } from "./assign-variant.js";
import { fmix32, fnv1a32, variantBucket } from "./variant-hash.js";

const LEADS = 10_000;
const leadIdsArb = fc.uniqueArray(fc.uuid(), { minLength: LEADS, maxLength: LEADS });

function shareOfA(campaignId: string, leadIds: string[], split: number): number {
  const a = leadIds.filter((leadId) => assignVariant({ campaignId, leadId, split }) === "A").length;
  return (100 * a) / leadIds.length;
}

describe("assignVariant", () => {
  it.each([0, 10, 50, 73, 100])("gives A to %i%% of 10,000 random leads, within 2 points", (split) => {
    fc.assert(
      fc.property(fc.uuid(), leadIdsArb, (campaignId, leadIds) => {
        expect(Math.abs(shareOfA(campaignId, leadIds, split) - split)).toBeLessThanOrEqual(2);
      }),
      { numRuns: 10 },
    );
  });

  it("gives everyone B at split 0 and everyone A at split 100", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), (campaignId, leadId) => {
        expect(assignVariant({ campaignId, leadId, split: 0 })).toBe("B");
        expect(assignVariant({ campaignId, leadId, split: 100 })).toBe("A");
      }),
    );
  });

  it("gives a lead the same variant every time", () => {
    fc.assert(
      fc.property(fc.uuid(), fc.uuid(), fc.integer({ min: 0, max: 100 }), (campaignId, leadId, split) => {
        const first = assignVariant({ campaignId, leadId, split });
        expect(assignVariant({ campaignId, leadId, split })).toBe(first);
      }),
    );
  });

  it("keeps a lead's A when the split grows (buckets below the cut stay below it)", () => {
    fc.assert(
      fc.property(
        fc.uuid(),
        fc.uuid(),
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 0, max: 100 }),
        (c, l, x, y) => {
          const [low, high] = x <= y ? [x, y] : [y, x];
          if (assignVariant({ campaignId: c, leadId: l, split: low }) === "A") {
            expect(assignVariant({ campaignId: c, leadId: l, split: high })).toBe("A");
          }
        },
      ),
    );
  });

  it("assigns independently in different campaigns", () => {
    const leadIds = fc.sample(fc.uuid(), { numRuns: LEADS, seed: 7 });
    const same = leadIds.filter(
      (leadId) =>
        assignVariant({ campaignId: "campaign-1", leadId, split: 50 }) ===
        assignVariant({ campaignId: "campaign-2", leadId, split: 50 }),
    ).length;
    expect(Math.abs((100 * same) / LEADS - 50)).toBeLessThanOrEqual(2);
  });

  it("rejects a split outside 0–100 and empty ids, naming the field", () => {
    expect(() => assignVariant({ campaignId: "c", leadId: "l", split: 101 })).toThrow(
      expect.objectContaining({ code: "VALIDATION", issues: [expect.objectContaining({ path: ["split"] })] }),
    );
    expect(() => assignVariant({ campaignId: "", leadId: "l", split: 50 })).toThrow(
      expect.objectContaining({
        code: "VALIDATION",
        issues: [expect.objectContaining({ path: ["campaignId"] })],
      }),
    );
  });
});

describe("variant hash", () => {
  it("is FNV-1a 32 (published test vectors)", () => {
    expect(fnv1a32("")).toBe(0x811c9dc5);
    expect(fnv1a32("a")).toBe(0xe40c292c);
    expect(fnv1a32("foobar")).toBe(0xbf9cf968);
  });

  it("finalizes with MurmurHash3's fmix32", () => {
    expect(fmix32(0)).toBe(0);
    expect(fmix32(1)).toBe(0x514e28b7);
  });

  it("puts known leads in the same buckets as every earlier release", () => {
    // Changing these reshuffles the A/B groups of running campaigns.
    expect(variantBucket("cmp_1", "lead_1")).toBe(81.86);
    expect(variantBucket("cmp_1", "lead_2")).toBe(28.08);
    expect(
      variantBucket("7c9e6679-7425-40de-944b-e07fc1f90ae7", "f47ac10b-58cc-4372-a567-0e02b2c3d479"),
    ).toBe(56.63);
  });
});

describe("variantContentForStep", () => {
  const variantA = { subject: "Quick question about {{hotel_name}}", body: "Hi {{first_name}}," };
  const variantB = { subject: "Alternative subject", body: "Hello {{first_name}}," };

  it("gives each lead its own variant's content when the step has both", () => {
    expect(variantContentForStep("A", { variantA, variantB })).toEqual({ variant: "A", content: variantA });
    expect(variantContentForStep("B", { variantA, variantB })).toEqual({ variant: "B", content: variantB });
  });

  it("gives a B lead A's content on a step without B, recorded as A", () => {
    expect(variantContentForStep("B", { variantA })).toEqual({ variant: "A", content: variantA });
    expect(variantContentForStep("B", { variantA, variantB: undefined })).toEqual({
      variant: "A",
      content: variantA,
    });
  });
});
