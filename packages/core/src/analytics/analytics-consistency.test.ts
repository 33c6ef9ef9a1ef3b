import { describe, expect, it } from "vitest";
import { createCadenza } from "../cadenza.js";
import type { VariantName } from "../campaign/campaign-schema.js";
import { LEAD_STATUSES } from "../lead/lead.js";
import { campaignDay } from "../schedule/index.js";
import { FakeClock, memoryStore, recordingTransport, seededRandom, sequentialIds } from "../testing/index.js";
import type { MetricCounts } from "./metric-counts.js";
import { METRIC_COUNT_FIELDS } from "./metric-counts.js";

const ZONE = "America/New_York";

/**
 * A small campaign run through the real engine (in-memory store, fake clock, recording transport):
 * 200 prospects, A/B on steps 1 and 3, replies, unsubscribes, hard and soft bounces, human and
 * machine opens and clicks. Every metric must equal what the email records say.
 */
describe("analytics of a simulated campaign", () => {
  it("agree with the email records per step and variant, in the funnel, the time series and the A/B test", async () => {
    const clock = new FakeClock("2026-03-02T14:00:00Z");
    const random = seededRandom(11);
    const store = memoryStore();
    const transport = recordingTransport();
    transport.script((message) =>
      message.to.email.startsWith("bounce")
        ? { status: "rejected", kind: "hard", code: "5.1.1", response: "550 5.1.1 user unknown" }
        : undefined,
    );
    const cadenza = createCadenza({
      store,
      transport,
      clock,
      random,
      ids: sequentialIds(1),
      sender: { name: "Ana", email: "ana@sender.test" },
      dispatch: { batchSize: 40 },
    });
    const campaign = await cadenza.campaigns.create({
      name: "Consistency",
      dailyLimit: 80,
      timezone: ZONE,
      abTestingEnabled: true,
      steps: [
        {
          stepNumber: 1,
          variantA: { subject: "A first", body: "Hello A https://example.com/a" },
          variantB: { subject: "B first", body: "Hello B" },
        },
        { stepNumber: 2, delayDays: 1, variantA: { subject: "", body: "Following up." } },
        {
          stepNumber: 3,
          delayDays: 2,
          variantA: { subject: "Last A", body: "Closing A." },
          variantB: { subject: "Last B", body: "Closing B." },
        },
      ],
    });
    await cadenza.prospects.upsert(
      Array.from({ length: 200 }, (_, i) => ({
        email: i % 40 === 7 ? `bounce${i}@example.com` : `p${i}@example.com`,
        firstName: `P${i}`,
      })),
    );
    await cadenza.audience.enroll(campaign.id, { filter: {} });
    await cadenza.campaigns.activate(campaign.id);

    const hardBounces = new Set<string>();
    const softBounces = new Set<string>();
    const complaints = new Set<string>();
    const unsubscribes = new Map<string, number>();
    const firstDay = campaignDay(clock.now(), ZONE);
    const end = clock.now().getTime() + 14 * 86_400_000;
    while (clock.now().getTime() < end) {
      const report = await cadenza.dispatch.tick();
      const now = clock.now();
      const day = campaignDay(now, ZONE);
      for (const emailId of report.sentEmailIds) {
        const roll = random.next();
        if (random.next() < 0.3) {
          await store.recordEngagements([
            { kind: "open", emailId, eventId: `m-${emailId}`, at: now, day, machine: true },
          ]);
        }
        if (roll < 0.06) await cadenza.leads.recordReply({ emailId });
        else if (roll < 0.08) {
          await cadenza.leads.recordUnsubscribe({ emailId });
          unsubscribes.set(emailId, (unsubscribes.get(emailId) ?? 0) + 1);
        } else if (roll < 0.09) {
          await cadenza.leads.recordBounce({ emailId }, { type: "hard", status: "5.1.1" });
          hardBounces.add(emailId);
        } else if (roll < 0.11) {
          // The same report twice (a webhook retried): one bounce.
          await cadenza.leads.recordBounce({ emailId }, { type: "soft", status: "4.2.2" });
          await cadenza.leads.recordBounce({ emailId }, { type: "soft", status: "4.2.2" });
          softBounces.add(emailId);
        } else if (roll < 0.12) {
          await cadenza.leads.recordComplaint({ emailId });
          await cadenza.leads.recordComplaint({ emailId });
          complaints.add(emailId);
        } else if (roll < 0.5) {
          const human = { emailId, at: now, day, machine: false };
          await store.recordEngagements([{ ...human, kind: "open", eventId: `o-${emailId}` }]);
          // A second open of the same email must not count twice.
          if (roll < 0.3)
            await store.recordEngagements([{ ...human, kind: "open", eventId: `o2-${emailId}` }]);
          if (roll < 0.2)
            await store.recordEngagements([{ ...human, kind: "click", eventId: `c-${emailId}` }]);
        }
      }
      clock.advance(30 * 60_000);
    }

    const emails = [...store.tables.emails.values()].filter(
      (e) => e.direction === "outbound" && e.campaignId === campaign.id,
    );
    const metrics = await cadenza.analytics.metrics(campaign.id);
    expect(emails.length).toBeGreaterThan(400);
    expect(metrics.total.sent).toBe(emails.length);

    // Per step and variant, every count equals the email records.
    const seen = new Set<string>();
    for (const step of metrics.steps) {
      for (const v of step.variants) {
        const mine = emails.filter((e) => e.stepNumber === step.stepNumber && e.variant === v.variant);
        const sum = (m: Map<string, number>) => mine.reduce((n, e) => n + (m.get(e.id) ?? 0), 0);
        const count = (s: Set<string>) => mine.filter((e) => s.has(e.id)).length;
        // Refused at send time, or reported hard afterwards; every bounce stamps its email once.
        const bouncedHard = mine.filter((e) => e.bouncedAt !== null && !softBounces.has(e.id)).length;
        expect(bouncedHard).toBeGreaterThanOrEqual(count(hardBounces));
        const expected: MetricCounts = {
          sent: mine.length,
          delivered: mine.length - bouncedHard - count(softBounces),
          unknown: mine.filter((e) => e.status === "unknown").length,
          bouncedHard,
          bouncedSoft: count(softBounces),
          bounces: bouncedHard + count(softBounces),
          opens: mine.filter((e) => e.openedAt !== null).length,
          machineOpens: mine.filter((e) => e.machineOpenedAt !== null).length,
          clicks: mine.filter((e) => e.clickedAt !== null).length,
          replies: mine.filter((e) => e.repliedAt !== null).length,
          unsubscribes: sum(unsubscribes),
          complaints: count(complaints),
        };
        expect(v.rates.bounceRate).toBeLessThanOrEqual(1);
        for (const field of METRIC_COUNT_FIELDS)
          expect(v[field], `${step.stepNumber}${v.variant}.${field}`).toBe(expected[field]);
        expect(v.opens).toBeLessThanOrEqual(v.sent);
        expect(v.rates.openRate).toBe(v.delivered > 0 ? v.opens / v.delivered : 0);
        if (v.sent > 0) seen.add(`${step.stepNumber}${v.variant}`);
      }
      for (const field of METRIC_COUNT_FIELDS) {
        expect(step.variants.reduce((n, v) => n + v[field], 0)).toBe(step.total[field]);
      }
    }
    for (const field of METRIC_COUNT_FIELDS) {
      expect(metrics.steps.reduce((n, s) => n + s.total[field], 0)).toBe(metrics.total[field]);
    }
    // Step 2 has no B content, so its B leads' emails are recorded as A.
    expect([...seen].sort()).toEqual(["1A", "1B", "2A", "3A", "3B"]);
    expect(metrics.total.bouncedHard).toBeGreaterThanOrEqual(5);
    for (const field of [
      "bouncedSoft",
      "opens",
      "machineOpens",
      "clicks",
      "replies",
      "unsubscribes",
      "complaints",
    ] as const) {
      expect(metrics.total[field], field).toBeGreaterThan(0);
    }

    const leads = [...store.tables.leads.values()];
    for (const status of LEAD_STATUSES) {
      expect(metrics.leads.byStatus[status]).toBe(leads.filter((l) => l.status === status).length);
    }
    expect(metrics.leads.total).toBe(200);

    // Funnel: leads reached per step are the step's emails.
    const funnel = await cadenza.analytics.funnel(campaign.id);
    expect(funnel.enrolled).toBe(200);
    const perStep = [1, 2, 3].map((n) => emails.filter((e) => e.stepNumber === n).length);
    expect(funnel.steps.map((s) => s.reached)).toEqual(perStep);
    expect(funnel.steps[0]!.conversionFromPrevious).toBe(perStep[0]! / 200);
    expect(funnel.steps[2]!.conversionFromPrevious).toBe(perStep[2]! / perStep[1]!);
    expect(funnel.steps.map((s) => s.replied)).toEqual(
      [1, 2, 3].map((n) => emails.filter((e) => e.stepNumber === n && e.repliedAt !== null).length),
    );

    // Time series: the days add up to the campaign totals.
    const series = await cadenza.analytics.timeSeries(campaign.id, {
      fromDay: firstDay,
      toDay: campaignDay(clock.now(), ZONE),
    });
    expect(series.days).toHaveLength(15);
    for (const field of ["sent", "opens", "clicks", "replies", "machineOpens", "unsubscribes"] as const) {
      expect(
        series.days.reduce((n, d) => n + d[field], 0),
        field,
      ).toBe(metrics.total[field]);
    }
    expect(series.days.filter((d) => d.sent > 0).every((d) => d.sent <= 80)).toBe(true);

    // The A/B test reads the same delivered counts.
    const test = await cadenza.analytics.abTest(campaign.id, { minSample: 50 });
    expect(test.steps.map((s) => s.stepNumber)).toEqual([1, 3]);
    const delivered = (step: number, variant: VariantName) =>
      metrics.steps[step - 1]!.variants.find((v) => v.variant === variant)!.delivered;
    expect(test.steps[0]!.delivered).toEqual({ A: delivered(1, "A"), B: delivered(1, "B") });
    expect(test.steps[0]!.replies.trialsB).toBe(delivered(1, "B"));
  });
});
