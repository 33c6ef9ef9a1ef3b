import { randomUUID } from "node:crypto";
import { createCadenza } from "@cadenza/core";
import { FakeClock, recordingTransport, seededRandom, sequentialIds } from "@cadenza/core/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { SqlStoreHarness, SqlStoreSuiteOptions } from "./sql-store-harness.js";

const HOUR = 3_600_000;

/** The engine end to end on the SQL store: two engines share it, and the audit finds nothing. */
export function engineSuite(options: SqlStoreSuiteOptions): void {
  describe("two engines sharing the store", () => {
    let h: SqlStoreHarness;
    beforeEach(async () => {
      h = await options.createHarness();
    });
    afterEach(() => h.cleanup());

    it("send each step once within the daily limit, and leave counters the audit agrees with", async () => {
      // Monday 2 March 2026, 08:00 UTC.
      const clock = new FakeClock("2026-03-02T08:00:00Z");
      const random = seededRandom(11);
      const transport = recordingTransport();
      const attemptsByDay = new Map<string, number>();
      transport.script((message, attempt) => {
        const day = clock.now().toISOString().slice(0, 10);
        attemptsByDay.set(day, (attemptsByDay.get(day) ?? 0) + 1);
        if (message.to.email.startsWith("bounce")) {
          return { status: "rejected", kind: "hard", code: "5.1.1", response: "550 5.1.1 user unknown" };
        }
        if (message.to.email.startsWith("grey") && attempt === 1) {
          return { status: "rejected", kind: "soft", code: "4.7.1", response: "451 4.7.1 greylisted" };
        }
        return undefined;
      });
      const engine = (store: typeof h.store, idPrefix: number) =>
        createCadenza({
          store,
          transport,
          clock,
          random,
          ids: sequentialIds(idPrefix),
          sender: { name: "Ana", email: "ana@sender.test" },
          tracking: {
            baseUrl: "https://t.sender.test/t",
            secrets: ["a-test-secret-that-is-long-enough-0123"],
          },
          dispatch: { batchSize: 15, softRetryBaseMs: 30 * 60_000 },
          onError: (error) => {
            throw error;
          },
        });
      const other = await h.open();
      const one = engine(h.store, 0xa1);
      const two = engine(other, 0xb2);

      const campaign = await one.campaigns.create({
        name: "Hotel GM Outreach Q4",
        dailyLimit: 80,
        abTestingEnabled: true,
        steps: [
          {
            stepNumber: 1,
            variantA: { subject: "Quick question about {{company}}", body: 'Hi {{first_name | "there"}}' },
            variantB: { subject: "Idea for {{company}}", body: 'Hello {{first_name | "there"}}' },
          },
          { stepNumber: 2, delayDays: 1, variantA: { subject: "", body: "Following up." } },
          { stepNumber: 3, delayDays: 1, variantA: { subject: "Last note", body: "Closing the loop." } },
        ],
      });
      await one.prospects.upsert(
        Array.from({ length: 120 }, (_, i) => ({
          email:
            i % 30 === 7
              ? `bounce${i}@example.com`
              : i % 25 === 3
                ? `grey${i}@example.com`
                : `p${i}@example.com`,
          firstName: `First${i}`,
          company: `Hotel ${i}`,
        })),
      );
      expect((await one.audience.enroll(campaign.id, { filter: {} })).added).toBe(120);
      await one.campaigns.activate(campaign.id);

      const end = clock.now().getTime() + 7 * 24 * HOUR;
      while (clock.now().getTime() < end) {
        const reports = await Promise.all([one.dispatch.tick(), two.dispatch.tick()]);
        for (const emailId of reports.flatMap((r) => r.sentEmailIds)) {
          const roll = random.next();
          if (roll < 0.1) await one.leads.recordReply({ emailId });
          else if (roll < 0.4) {
            const at = clock.now();
            const day = at.toISOString().slice(0, 10);
            await other.recordEngagements([
              { kind: "open", emailId, eventId: randomUUID(), at, day, machine: false },
            ]);
          }
        }
        clock.advance(30 * 60_000);
      }

      const keys = transport.sent.map((m) => m.idempotencyKey);
      expect(new Set(keys).size).toBe(keys.length);
      expect(Math.max(...attemptsByDay.values())).toBe(80);
      expect(await h.store.audit({ now: clock.now() })).toEqual([]);
      const counters = await h.store.getCounters(campaign.id);
      const emails = await h.store.listEmails({ campaignId: campaign.id, limit: 10_000, offset: 0 });
      const outbound = emails.filter((e) => e.direction === "outbound");
      expect(counters.emailsSent).toBe(outbound.length);
      expect(counters.leadsByStatus.completed).toBeGreaterThan(30);
      expect(counters.leadsByStatus.bounced).toBeGreaterThanOrEqual(3);
      expect(counters.repliesReceived).toBeGreaterThan(0);
    });

    it("pause a lead whose address was suppressed after it was enrolled, and send the others", async () => {
      const clock = new FakeClock("2026-03-02T10:00:00Z");
      const transport = recordingTransport();
      const cadenza = createCadenza({
        store: h.store,
        transport,
        clock,
        random: seededRandom(3),
        ids: sequentialIds(0xc3),
        // One lead a batch: the day's first claim creates its quota row, the others can claim in one
        // statement where the store does (and tell the engine which addresses are suppressed).
        dispatch: { batchSize: 1 },
        sender: { name: "Ana", email: "ana@sender.test" },
        onError: (error) => {
          throw error;
        },
      });
      const campaign = await cadenza.campaigns.create({
        name: "Suppressed mid-campaign",
        steps: [{ stepNumber: 1, variantA: { subject: "Hello {{company}}", body: "Hi." } }],
      });
      await cadenza.prospects.upsert(
        ["a@example.com", "b@example.com", "c@example.com"].map((email, i) => ({
          email,
          company: `Hotel ${i}`,
        })),
      );
      expect((await cadenza.audience.enroll(campaign.id, { filter: {} })).added).toBe(3);
      await h.store.suppress([
        { email: "B@Example.com", reason: "complaint", campaignId: null, createdAt: clock.now() },
      ]);
      await cadenza.campaigns.activate(campaign.id);
      let sent = 0;
      for (let i = 0; i < 3; i++) sent += (await cadenza.dispatch.tick()).sent;
      expect(sent).toBe(2);

      expect(transport.sent.map((m) => m.to.email).sort()).toEqual(["a@example.com", "c@example.com"]);
      const leads = await h.store.listLeads(campaign.id, { limit: 10, offset: 0 });
      const prospects = await h.store.getProspects(leads.map((l) => l.prospectId));
      const suppressed = leads.find(
        (l) => prospects.find((p) => p.id === l.prospectId)?.email === "b@example.com",
      );
      expect(suppressed?.status).toBe("paused");
      const paused = await h.store.listEvents({ campaignId: campaign.id, kinds: ["paused"], limit: 10 });
      expect(paused.map((e) => [e.leadId, e.data.reason])).toEqual([
        [suppressed!.id, "Address is suppressed"],
      ]);
      expect(await h.store.audit({ now: clock.now() })).toEqual([]);
    });
  });
}
