import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { VariantName } from "../campaign/campaign-schema.js";
import { isCadenzaError } from "../errors.js";
import { LEAD_STATUSES, type LeadStatus } from "../lead/lead.js";
import { campaignFixture, memoryStore, sequentialIds } from "../testing/index.js";
import { buildCampaignMetrics, campaignMetrics } from "./campaign-metrics.js";
import {
  type CampaignCounters,
  type CounterDelta,
  STEP_COUNTER_FIELDS,
  type StepCounters,
  type StepVariantCounters,
} from "./counters.js";
import { METRIC_COUNT_FIELDS, type Metrics, rate } from "./metric-counts.js";

function counterDeltas(
  campaignId: string,
  stepNumber: number,
  variant: VariantName,
  values: Partial<StepCounters>,
): CounterDelta[] {
  return Object.entries(values).map(([field, by]) => ({
    campaignId,
    stepNumber,
    variant,
    field: field as CounterDelta["field"],
    by: by as number,
    day: "2026-01-05",
  }));
}

/** Counters that could come from a real campaign: every count within what was sent and delivered. */
const consistentRow = fc
  .record({
    sent: fc.integer({ min: 0, max: 5_000 }),
    f: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 8, maxLength: 8 }),
  })
  .map(({ sent, f }): StepCounters => {
    const part = (n: number, i: number) => Math.floor(n * (f[i % f.length] ?? 0));
    const bouncedHard = part(sent, 0);
    const bouncedSoft = part(sent - bouncedHard, 1);
    const delivered = sent - bouncedHard - bouncedSoft;
    const opens = part(delivered, 2);
    return {
      sent,
      unknown: part(sent, 3),
      bouncedHard,
      bouncedSoft,
      opens,
      machineOpens: part(delivered, 4),
      clicks: part(opens, 5),
      replies: part(delivered, 6),
      unsubscribes: part(delivered - part(delivered, 6), 7),
      complaints: part(delivered, 1),
    };
  });

/** Any non-negative counters at all, consistent or not. */
const anyRow = fc.record(
  Object.fromEntries(STEP_COUNTER_FIELDS.map((f) => [f, fc.integer({ min: 0, max: 1_000 })])) as Record<
    keyof StepCounters,
    fc.Arbitrary<number>
  >,
);

function countersFor(rows: StepCounters[][], leads: number[]): CampaignCounters {
  const steps: StepVariantCounters[] = rows.flatMap((variants, i) =>
    variants.map((row, v) => ({ ...row, stepNumber: i + 1, variant: (v === 0 ? "A" : "B") as VariantName })),
  );
  const leadsByStatus = Object.fromEntries(LEAD_STATUSES.map((s, i) => [s, leads[i] ?? 0])) as Record<
    LeadStatus,
    number
  >;
  return {
    campaignId: "c",
    emailsSent: 0,
    emailsOpened: 0,
    repliesReceived: 0,
    leadsCount: 0,
    activeLeads: 0,
    completedLeads: 0,
    leadsByStatus,
    steps,
  };
}

function allRates(m: Metrics): number[] {
  return Object.values(m.rates);
}

describe("campaign metrics", () => {
  it("derives delivered and every rate from the counters, with the documented denominators", async () => {
    const store = memoryStore();
    const campaign = await store.createCampaign(campaignFixture(sequentialIds(1)));
    store.tables.applyCounters([
      ...counterDeltas(campaign.id, 1, "A", {
        sent: 200,
        unknown: 2,
        bouncedHard: 10,
        bouncedSoft: 5,
        opens: 74,
        machineOpens: 30,
        clicks: 20,
        replies: 9,
        unsubscribes: 3,
        complaints: 2,
      }),
      ...counterDeltas(campaign.id, 1, "B", { sent: 100, opens: 50, replies: 1 }),
    ]);
    const metrics = await campaignMetrics({ store }, campaign.id);
    const a = metrics.steps[0]!.variants[0]!;
    expect(a).toMatchObject({ variant: "A", sent: 200, delivered: 185, bounces: 15, unknown: 2 });
    expect(a.rates).toEqual({
      openRate: 74 / 185,
      machineOpenRate: 30 / 185,
      clickRate: 20 / 185,
      clickToOpenRate: 20 / 74,
      replyRate: 9 / 185,
      bounceRate: 15 / 200,
      unsubscribeRate: 3 / 185,
      complaintRate: 2 / 185,
    });
    const total = metrics.steps[0]!.total;
    expect(total).toMatchObject({ sent: 300, delivered: 285, opens: 124, replies: 10 });
    expect(total.rates.openRate).toBe(124 / 285);
    expect(metrics.total.sent).toBe(300);
  });

  it("reports zeros, never NaN, for steps and variants that sent nothing", async () => {
    const store = memoryStore();
    const campaign = await store.createCampaign(campaignFixture(sequentialIds(1)));
    const metrics = await campaignMetrics({ store }, campaign.id);
    expect(metrics.steps.map((s) => [s.stepNumber, s.variants.map((v) => v.variant)])).toEqual([
      [1, ["A", "B"]],
      [2, ["A", "B"]],
      [3, ["A", "B"]],
    ]);
    for (const m of [metrics.total, ...metrics.steps.flatMap((s) => [s.total, ...s.variants])]) {
      expect(m.sent).toBe(0);
      expect(allRates(m)).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    }
    expect(metrics.leads.total).toBe(0);
  });

  it("keeps counters of a variant or step the campaign no longer has", () => {
    const campaign = {
      id: "c",
      steps: campaignFixture(sequentialIds(1), {
        abTestingEnabled: false,
        steps: [{ stepNumber: 1, variantA: { subject: "Hi", body: "x" } }],
      }).steps.map((s) => ({ ...s, campaignId: "c" })),
    };
    const row = {
      sent: 5,
      unknown: 0,
      bouncedHard: 0,
      bouncedSoft: 0,
      opens: 1,
      machineOpens: 0,
      clicks: 0,
      replies: 0,
      unsubscribes: 0,
      complaints: 0,
    };
    const metrics = buildCampaignMetrics(campaign, countersFor([[row, row], [row]], []));
    expect(metrics.steps.map((s) => [s.stepNumber, s.variants.map((v) => v.variant)])).toEqual([
      [1, ["A", "B"]],
      [2, ["A"]],
    ]);
    expect(metrics.total.sent).toBe(15);
  });

  it("sums variants into steps and steps into the campaign, for every count", () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(consistentRow, { minLength: 1, maxLength: 2 }), { minLength: 1, maxLength: 6 }),
        fc.array(fc.integer({ min: 0, max: 500 }), { minLength: 7, maxLength: 7 }),
        (rows, leads) => {
          const metrics = buildCampaignMetrics({ id: "c", steps: [] }, countersFor(rows, leads));
          for (const field of METRIC_COUNT_FIELDS) {
            for (const step of metrics.steps) {
              expect(step.variants.reduce((n, v) => n + v[field], 0)).toBe(step.total[field]);
            }
            expect(metrics.steps.reduce((n, s) => n + s.total[field], 0)).toBe(metrics.total[field]);
          }
          for (const m of [metrics.total, ...metrics.steps.flatMap((s) => [s.total, ...s.variants])]) {
            expect(m.opens).toBeLessThanOrEqual(m.sent);
            expect(m.delivered).toBe(m.sent - m.bounces);
            expect(m.rates.openRate).toBe(rate(m.opens, m.delivered));
            expect(m.rates.replyRate).toBe(rate(m.replies, m.delivered));
            for (const r of allRates(m)) {
              expect(r).toBeGreaterThanOrEqual(0);
              expect(r).toBeLessThanOrEqual(1);
            }
          }
          expect(metrics.leads.total).toBe(leads.reduce((n, c) => n + c, 0));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("never yields NaN, infinity or a negative delivered count, whatever the counters say", () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(anyRow, { minLength: 1, maxLength: 2 }), { minLength: 1, maxLength: 4 }),
        (rows) => {
          const metrics = buildCampaignMetrics({ id: "c", steps: [] }, countersFor(rows, []));
          for (const m of [metrics.total, ...metrics.steps.flatMap((s) => [s.total, ...s.variants])]) {
            expect(m.delivered).toBeGreaterThanOrEqual(0);
            for (const r of allRates(m)) expect(Number.isFinite(r)).toBe(true);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it("answers NOT_FOUND for a campaign that does not exist", async () => {
    await expect(campaignMetrics({ store: memoryStore() }, "nope")).rejects.toSatisfy((e) =>
      isCadenzaError(e, "NOT_FOUND"),
    );
  });
});
