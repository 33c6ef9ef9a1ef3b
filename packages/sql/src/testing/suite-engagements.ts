import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { at, newEmail, outcome, seedCampaign, T0 } from "./fixtures.js";
import type { SqlStoreHarness, SqlStoreSuiteOptions } from "./sql-store-harness.js";

/** Opens and clicks: unique counters move once, decided by the database. */
export function engagementSuite(options: SqlStoreSuiteOptions): void {
  describe("recordEngagements", () => {
    let h: SqlStoreHarness;
    beforeEach(async () => {
      h = await options.createHarness();
    });
    afterEach(() => h.cleanup());

    const sentEmail = async () => {
      const { campaign } = await seedCampaign(h.store, { leads: 1 });
      const [c] = await h.store.claimDueLeads({
        campaignId: campaign.id,
        now: T0,
        limit: 1,
        leaseToken: "t",
        leaseExpiresAt: at(5),
        quotas: [],
      });
      const email = newEmail(c!.lead, "t");
      await h.store.beginSends([email], T0);
      await h.store.completeSends([outcome("sent", email)]);
      return { campaign, email };
    };

    it("counts the first human open once, even when trackers race", async () => {
      const { campaign, email } = await sentEmail();
      const open = () => ({
        kind: "open" as const,
        emailId: email.id,
        eventId: randomUUID(),
        at: at(10),
        day: "2030-03-04",
        machine: false,
      });
      const results = (
        await Promise.all([
          h.store.recordEngagements([open()]),
          (await h.open()).recordEngagements([open()]),
          (await h.open()).recordEngagements([{ ...open(), at: at(11) }]),
        ])
      ).flat();
      expect(results.filter((r) => r.firstHuman)).toHaveLength(1);
      const stored = await h.store.getEmail(email.id);
      expect(stored?.status).toBe("opened");
      const counters = await h.store.getCounters(campaign.id);
      expect(counters.emailsOpened).toBe(1);
      expect(counters.steps[0]).toMatchObject({ opens: 1, clicks: 0 });
      expect((await h.store.getLead(email.leadId))?.emailsOpened).toBe(1);
      expect(await h.store.listEvents({ leadId: email.leadId, kinds: ["opened"], limit: 10 })).toHaveLength(
        3,
      );
      expect(await h.store.audit({ now: at(20) })).toEqual([]);
    });

    it("counts a click without an open as the first open, and machine opens apart", async () => {
      const { campaign, email } = await sentEmail();
      const base = () => ({
        emailId: email.id,
        eventId: randomUUID(),
        day: "2030-03-04",
        userAgent: null,
        ip: null,
      });
      const [machine] = await h.store.recordEngagements([
        { ...base(), kind: "open", at: at(2), machine: true },
      ]);
      expect(machine).toEqual({ emailId: email.id, found: true, firstHuman: false, firstMachine: true });
      const [click, again, missing] = await h.store.recordEngagements([
        { ...base(), kind: "click", at: at(3), machine: false, url: "https://hotel.example" },
        { ...base(), kind: "click", at: at(4), machine: false, url: "https://hotel.example" },
        { ...base(), emailId: randomUUID(), kind: "open", at: at(4), machine: false },
      ]);
      expect(click?.firstHuman).toBe(true);
      expect(again?.firstHuman).toBe(false);
      expect(missing?.found).toBe(false);
      expect(await h.store.getEmail(email.id)).toMatchObject({
        openedAt: at(3),
        clickedAt: at(3),
        machineOpenedAt: at(2),
      });
      const counters = await h.store.getCounters(campaign.id);
      expect(counters.steps[0]).toMatchObject({ opens: 1, clicks: 1, machineOpens: 1 });
      expect(await h.store.markEmail(email.id, "replied", at(5))).toBe(true);
      expect(await h.store.markEmail(email.id, "replied", at(6))).toBe(false);
      expect((await h.store.getEmail(email.id))?.status).toBe("replied");
      expect(await h.store.audit({ now: at(20) })).toEqual([]);
    });
  });
}
