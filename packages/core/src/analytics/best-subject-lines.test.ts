import { describe, expect, it } from "vitest";
import type { VariantName } from "../campaign/campaign-schema.js";
import type { Store } from "../ports.js";
import { campaignFixture, memoryStore, sequentialIds } from "../testing/index.js";
import { bestSubjectLines } from "./best-subject-lines.js";
import type { StepCounters } from "./counters.js";

const ids = sequentialIds(1);

async function campaign(
  store: Store & ReturnType<typeof memoryStore>,
  name: string,
  subjects: { A: string; B: string },
  counts: Partial<Record<VariantName, Partial<StepCounters>>>,
  options: { useAiGeneration?: boolean; active?: boolean } = {},
) {
  const fixture = campaignFixture(ids, {
    name,
    steps: [
      {
        stepNumber: 1,
        variantA: { subject: subjects.A, body: "Hi" },
        variantB: { subject: subjects.B, body: "Hello" },
        useAiGeneration: options.useAiGeneration ?? false,
      },
    ],
  });
  const created = await store.createCampaign({ ...fixture, active: options.active ?? true });
  store.tables.applyCounters(
    Object.entries(counts).flatMap(([variant, values]) =>
      Object.entries(values).map(([field, by]) => ({
        campaignId: created.id,
        stepNumber: 1,
        variant: variant as VariantName,
        field: field as keyof StepCounters,
        by: by as number,
        day: "2026-01-05",
      })),
    ),
  );
  return created;
}

describe("the best subject lines", () => {
  it("ranks first-step subjects across campaigns by open rate, then reply rate, above the minimum sample", async () => {
    const store = memoryStore();
    await campaign(
      store,
      "One",
      { A: "Quick question about {{company}}", B: "Idea for {{company}}" },
      {
        A: { sent: 100, opens: 40, replies: 2 },
        B: { sent: 100, opens: 50, replies: 1 },
      },
    );
    await campaign(
      store,
      "Two",
      { A: "Coffee next week?", B: "Too small" },
      {
        A: { sent: 210, bouncedHard: 10, opens: 100, replies: 9 },
        B: { sent: 49, opens: 49 },
      },
    );
    await campaign(
      store,
      "Three",
      { A: "Generated", B: "Generated too" },
      {
        A: { sent: 500, opens: 500 },
      },
      { useAiGeneration: true },
    );

    const top = await bestSubjectLines({ store });
    // "Coffee" and "Idea" tie on opens (50 %); Coffee's replies (9 / 200) rank it first.
    expect(top.map((s) => [s.subject, s.delivered, s.openRate, s.replyRate])).toEqual([
      ["Coffee next week?", 200, 0.5, 0.045],
      ["Idea for {{company}}", 100, 0.5, 0.01],
      ["Quick question about {{company}}", 100, 0.4, 0.02],
    ]);
    expect(top[0]).toMatchObject({ campaignName: "Two", variant: "A", sent: 210, opens: 100, replies: 9 });

    expect(await bestSubjectLines({ store }, { limit: 1 })).toHaveLength(1);
    const lenient = await bestSubjectLines({ store }, { minDelivered: 49 });
    expect(lenient[0]).toMatchObject({ subject: "Too small", openRate: 1 });
  });

  it("can narrow to active campaigns", async () => {
    const store = memoryStore();
    await campaign(store, "Live", { A: "Live A", B: "Live B" }, { A: { sent: 60, opens: 6 } });
    await campaign(
      store,
      "Stopped",
      { A: "Stopped A", B: "Stopped B" },
      { A: { sent: 60, opens: 30 } },
      { active: false },
    );
    expect((await bestSubjectLines({ store })).map((s) => s.subject)).toEqual(["Stopped A", "Live A"]);
    expect((await bestSubjectLines({ store }, { active: true })).map((s) => s.subject)).toEqual(["Live A"]);
  });
});
