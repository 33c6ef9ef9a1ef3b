import { expect } from "vitest";
import { createCadenza } from "../cadenza.js";
import type { EmailRecord } from "../dispatch/email-record.js";
import type { Lead } from "../lead/lead.js";
import type { Store } from "../ports.js";
import { campaignDay, isInSendWindow } from "../schedule/index.js";
import { FakeClock } from "./fake-clock.js";
import { recordingTransport } from "./recording-transport.js";
import { seededRandom, sequentialIds } from "./seeded.js";

const ZONE = "America/New_York";
const HOUR = 3_600_000;

async function all<T>(page: (offset: number) => Promise<T[]>): Promise<T[]> {
  const rows: T[] = [];
  for (let offset = 0; ; offset += 1000) {
    const batch = await page(offset);
    rows.push(...batch);
    if (batch.length < 1000) return rows;
  }
}

/**
 * A full campaign under a fake clock, on any store: 3 steps with delays, A/B 50/50, 500 prospects, a
 * 9–17 Mon–Fri window in New York across the March DST change, a daily limit of 100, and replies,
 * bounces and unsubscribes arriving mid-way. Asserts the window, the limit, that no lead gets a step
 * after a stop or twice or out of order, the delays, threading, counters against email records and
 * the audit's checks. Part of the store conformance suite.
 */
export async function simulateCampaign(store: Store): Promise<void> {
  // Monday 2 March 2026, 07:00 in New York; DST starts on Sunday 8 March.
  const clock = new FakeClock("2026-03-02T12:00:00Z");
  const random = seededRandom(7);
  const ids = sequentialIds(0x51);
  const transport = recordingTransport();
  const sendTimes = new Map<string, Date>();
  const attemptsByDay = new Map<string, number>();
  transport.script((message, attempt) => {
    const now = clock.now();
    const day = campaignDay(now, ZONE);
    attemptsByDay.set(day, (attemptsByDay.get(day) ?? 0) + 1);
    if (message.to.email.startsWith("bounce")) {
      return { status: "rejected", kind: "hard", code: "5.1.1", response: "550 5.1.1 user unknown" };
    }
    if (message.to.email.startsWith("grey") && attempt === 1) {
      return { status: "rejected", kind: "soft", code: "4.7.1", response: "451 4.7.1 greylisted" };
    }
    sendTimes.set(message.idempotencyKey, now);
    return undefined;
  });
  const cadenza = createCadenza({
    store,
    transport,
    clock,
    random,
    ids,
    sender: { name: "Ana", email: "ana@sender.test" },
    customVariables: ["hotel_name"],
    tracking: { baseUrl: "https://t.sender.test/t", secrets: ["a-test-secret-that-is-long-enough-0123"] },
    dispatch: { batchSize: 40, softRetryBaseMs: 30 * 60_000 },
  });

  const campaign = await cadenza.campaigns.create({
    name: "Hotel GM Outreach Q4",
    dailyLimit: 100,
    timezone: ZONE,
    abTestingEnabled: true,
    steps: [
      {
        stepNumber: 1,
        variantA: {
          subject: "Quick question about {{hotel_name}}",
          body: 'Hey {{first_name | "there"}},\n\nI noticed {{hotel_name}} — https://example.com/a',
        },
        variantB: {
          subject: "Idea for {{company}}",
          body: 'Hi {{first_name | "there"}}, a thought for {{company}}.',
        },
        variantSplit: 50,
      },
      {
        stepNumber: 2,
        delayDays: 2,
        variantA: { subject: "", body: 'Following up, {{first_name | "there"}}.' },
      },
      {
        stepNumber: 3,
        delayDays: 3,
        delayHours: 4,
        variantA: { subject: "Last note", body: "Closing the loop." },
        variantB: { subject: "Should I close your file?", body: "Closing the loop on {{company}}." },
      },
    ],
  });
  const prospects = Array.from({ length: 500 }, (_, i) => ({
    email:
      i % 50 === 7 ? `bounce${i}@example.com` : i % 40 === 3 ? `grey${i}@example.com` : `p${i}@example.com`,
    firstName: i % 9 === 0 ? null : `First${i}`,
    company: `Hotel ${i}`,
    attributes: { hotel_name: `Hotel ${i}` },
  }));
  await cadenza.prospects.upsert(prospects);
  const enrolled = await cadenza.audience.enroll(campaign.id, { filter: {} });
  expect(enrolled.added).toBe(500);
  await cadenza.campaigns.activate(campaign.id);

  const stoppedAt = new Map<string, Date>();
  const end = clock.now().getTime() + 28 * 24 * HOUR;
  while (clock.now().getTime() < end) {
    const report = await cadenza.dispatch.tick();
    // Mid-way signals: some prospects reply, unsubscribe or bounce after their emails went out.
    for (const emailId of report.sentEmailIds) {
      const roll = random.next();
      const email = await store.getEmail(emailId);
      if (!email?.leadId) continue;
      if (roll < 0.08) {
        await cadenza.leads.recordReply({ emailId });
        stoppedAt.set(email.leadId, clock.now());
      } else if (roll < 0.1) {
        await cadenza.leads.recordUnsubscribe({ emailId });
        stoppedAt.set(email.leadId, clock.now());
      } else if (roll < 0.11) {
        await cadenza.leads.recordBounce({ emailId }, { type: "hard", status: "5.1.1" });
        stoppedAt.set(email.leadId, clock.now());
      } else if (roll < 0.12) {
        // Reported twice, as feedback loops and retried webhooks do: one complaint.
        await cadenza.leads.recordComplaint({ emailId });
        await cadenza.leads.recordComplaint({ emailId });
        stoppedAt.set(email.leadId, clock.now());
      } else if (roll < 0.14) {
        await cadenza.leads.recordBounce({ emailId }, { type: "soft", status: "4.2.2" });
        await cadenza.leads.recordBounce({ emailId }, { type: "soft", status: "4.2.2" });
      } else if (roll < 0.5) {
        await store.recordEngagements([
          {
            kind: "open",
            emailId,
            eventId: `open-${emailId}`,
            at: clock.now(),
            day: campaignDay(clock.now(), ZONE),
            machine: false,
          },
        ]);
      }
    }
    clock.advance(20 * 60_000);
  }

  const window = { sendDays: campaign.sendDays, sendTimeStart: 9, sendTimeEnd: 17, timezone: ZONE };
  // Nothing sent outside the window or on a weekend, in New York time.
  for (const at of sendTimes.values()) expect(isInSendWindow(at, window)).toBe(true);
  // No campaign day over its limit (every attempt counts, accepted or not).
  expect(Math.max(...attemptsByDay.values())).toBeLessThanOrEqual(100);
  expect([...attemptsByDay.values()].some((n) => n === 100)).toBe(true);

  // Each lead gets each step at most once, in order, with its delays respected.
  const byLead = new Map<string, { step: number; at: Date }[]>();
  for (const message of transport.sent) {
    const [leadId, step] = message.idempotencyKey.split(":") as [string, string];
    const list = byLead.get(leadId) ?? [];
    list.push({ step: Number(step), at: sendTimes.get(message.idempotencyKey)! });
    byLead.set(leadId, list);
  }
  expect(new Set(transport.sent.map((m) => m.idempotencyKey)).size).toBe(transport.sent.length);
  for (const [leadId, sends] of byLead) {
    expect(sends.map((s) => s.step)).toEqual(sends.map((_, i) => i + 1));
    for (let i = 1; i < sends.length; i++) {
      const step = campaign.steps[i]!;
      const minGap = (step.delayDays * 24 + step.delayHours - 1) * HOUR;
      expect(sends[i]!.at.getTime() - sends[i - 1]!.at.getTime()).toBeGreaterThanOrEqual(minGap);
    }
    const stop = stoppedAt.get(leadId);
    if (stop) for (const s of sends) expect(s.at.getTime()).toBeLessThanOrEqual(stop.getTime());
  }

  // Threading: step 2 (empty subject) answers step 1.
  const step2 = transport.sent.find((m) => m.idempotencyKey.endsWith(":2"))!;
  const step1 = transport.sent.find((m) => m.idempotencyKey === step2.idempotencyKey.replace(":2", ":1"))!;
  expect(step2.subject).toBe(`Re: ${step1.subject}`);
  expect(step2.inReplyTo).toBe(step1.messageId);
  expect(step2.headers["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");

  // Counters equal what the email records say, per step and variant.
  const emails: EmailRecord[] = (
    await all((offset) => store.listEmails({ campaignId: campaign.id, limit: 1000, offset }))
  ).filter((e) => e.direction === "outbound");
  const leads: Lead[] = await all((offset) => store.listLeads(campaign.id, { limit: 1000, offset }));
  const counters = await cadenza.counters(campaign.id);
  for (const row of counters.steps) {
    const mine = emails.filter((e) => e.stepNumber === row.stepNumber && e.variant === row.variant);
    expect(row.sent).toBe(mine.length);
    expect(row.opens).toBe(mine.filter((e) => e.openedAt !== null).length);
    // Each email counts once as a bounce, hard or soft, and once as a complaint.
    expect(row.bouncedHard + row.bouncedSoft).toBe(mine.filter((e) => e.bouncedAt !== null).length);
    expect(row.complaints).toBe(mine.filter((e) => e.complainedAt !== null).length);
    expect(row.opens).toBeLessThanOrEqual(row.sent);
  }
  expect(counters.steps.filter((s) => s.stepNumber === 1).map((s) => s.variant)).toEqual(["A", "B"]);
  const replies = counters.steps.reduce((n, s) => n + s.replies, 0);
  expect(replies).toBe(leads.filter((l) => l.hasReplied).length);

  // The audit's section 8 checks, through the store and by hand.
  expect(await cadenza.audit()).toEqual([]);
  expect(counters.leadsCount).toBe(leads.length);
  expect(counters.emailsSent).toBe(emails.length);
  expect(counters.activeLeads).toBe(
    leads.filter((l) => l.status === "active" || l.status === "paused").length,
  );
  expect(counters.completedLeads).toBe(leads.filter((l) => l.status === "completed").length);
  for (const lead of leads) {
    if (["completed", "unsubscribed", "bounced", "replied", "failed"].includes(lead.status))
      expect(lead.nextEmailAt).toBeNull();
    expect(lead.currentStep).toBeLessThanOrEqual(3);
  }
  // Prospects without a first name got the fallback, never a raw variable.
  expect(transport.sent.every((m) => !m.text.includes("{{") && !m.subject.includes("{{"))).toBe(true);
  // Hard bounces are suppressed and stopped; greylisted addresses got through on retry.
  expect(leads.filter((l) => l.status === "bounced").length).toBeGreaterThanOrEqual(10);
  expect(transport.sent.some((m) => m.to.email.startsWith("grey"))).toBe(true);
  expect(counters.leadsByStatus.completed).toBeGreaterThan(100);
  expect(counters.steps.reduce((n, s) => n + s.complaints, 0)).toBeGreaterThan(0);
  expect(counters.steps.reduce((n, s) => n + s.bouncedSoft, 0)).toBeGreaterThan(0);
}
