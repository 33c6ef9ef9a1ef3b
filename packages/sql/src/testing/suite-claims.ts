import type { ClaimRequest } from "@cadenza/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { at, newEmail, outcome, seedCampaign, T0 } from "./fixtures.js";
import type { SqlStoreHarness, SqlStoreSuiteOptions } from "./sql-store-harness.js";

const claim = (campaignId: string, token: string, over: Partial<ClaimRequest> = {}): ClaimRequest => ({
  campaignId,
  now: T0,
  limit: 10,
  leaseToken: token,
  leaseExpiresAt: at(5),
  quotas: [],
  ...over,
});

/** Claiming: leases, quotas and pacing under concurrent workers. */
export function claimSuite(options: SqlStoreSuiteOptions): void {
  describe("claimDueLeads", () => {
    let h: SqlStoreHarness;
    beforeEach(async () => {
      h = await options.createHarness();
    });
    afterEach(() => h.cleanup());

    it("never hands one lead to two workers within a lease, nor passes the quota", async () => {
      const { campaign, leadIds } = await seedCampaign(h.store, { leads: 40 });
      const workers = [h.store, await h.open(), await h.open(), await h.open()];
      const quota = { key: `campaign:${campaign.id}`, day: "2030-03-04", limit: 25 };
      const rounds = await Promise.all(
        workers.flatMap((w, i) =>
          [0, 1, 2].map((round) =>
            w.claimDueLeads(claim(campaign.id, `w${i}r${round}`, { limit: 4, quotas: [quota] })),
          ),
        ),
      );
      const claimed = rounds.flat().map((c) => c.lead.id);
      expect(new Set(claimed).size).toBe(claimed.length);
      expect(claimed.length).toBe(25);
      expect(claimed.every((id) => leadIds.includes(id))).toBe(true);
      expect(await h.store.getQuotaUsage(quota.key, quota.day)).toBe(25);
      // The day's quota is spent: nothing more to claim, however many leads are due.
      expect(
        await h.store.claimDueLeads(claim(campaign.id, "late", { now: at(1), quotas: [quota] })),
      ).toEqual([]);
      // Without the quota, only the 15 leads nobody holds are left.
      const rest = await h.store.claimDueLeads(claim(campaign.id, "rest", { now: at(1), limit: 100 }));
      expect(rest).toHaveLength(15);
      expect(rest.some((c) => claimed.includes(c.lead.id))).toBe(false);
    });

    it("claims a lead again once its lease has expired, in due order", async () => {
      const { campaign } = await seedCampaign(h.store, { leads: 3 });
      const first = await h.store.claimDueLeads(claim(campaign.id, "a", { limit: 2 }));
      expect(first).toHaveLength(2);
      expect(first.every((c) => c.leaseToken === "a" && c.prospect.email !== null)).toBe(true);
      const before = await h.store.claimDueLeads(
        claim(campaign.id, "b", { now: at(4), leaseExpiresAt: at(20) }),
      );
      expect(before).toHaveLength(1);
      expect(before.map((c) => c.lead.id)).not.toContain(first[0]?.lead.id);
      const after = await h.store.claimDueLeads(
        claim(campaign.id, "c", { now: at(6), leaseExpiresAt: at(11) }),
      );
      expect(after.map((c) => c.lead.id).sort()).toEqual(first.map((c) => c.lead.id).sort());
    });

    it("cuts a claim to the tightest quota and gives quota back on release", async () => {
      const { campaign } = await seedCampaign(h.store, { leads: 5 });
      const quotas = [
        { key: `campaign:${campaign.id}`, day: "2030-03-04", limit: 4 },
        { key: "mailbox:m1", day: "2030-03-04", limit: 2 },
      ];
      const got = await h.store.claimDueLeads(claim(campaign.id, "a", { quotas }));
      expect(got).toHaveLength(2);
      expect(got[0]?.quotas).toEqual(quotas.map(({ key, day }) => ({ key, day })));
      await h.store.releaseLeads(
        got.map((c) => ({ leadId: c.lead.id, leaseToken: "a", quotas: c.quotas, nextEmailAt: at(60) })),
        at(1),
      );
      expect(await h.store.getQuotaUsage("mailbox:m1", "2030-03-04")).toBe(0);
      expect(await h.store.getQuotaUsage(`campaign:${campaign.id}`, "2030-03-04")).toBe(0);
      const moved = await h.store.getLead(got[0]!.lead.id);
      expect(moved?.nextEmailAt).toEqual(at(60));
      expect(moved?.version).toBe(got[0]!.lead.version + 1);
      // The released leads are not due until later; the other three are.
      const next = await h.store.claimDueLeads(claim(campaign.id, "b", { quotas }));
      expect(next).toHaveLength(2);
      expect(next.map((c) => c.lead.id)).not.toContain(got[0]!.lead.id);
    });

    it("paces a mailbox: one lead, then none until its next free time", async () => {
      const mailbox = await h.store.saveMailbox({
        id: "m1",
        fromName: "Ana",
        fromEmail: "ana@agency.example",
        replyTo: null,
        dailyCap: null,
        timezone: "UTC",
        minGapSeconds: 60,
        gapJitterSeconds: 0,
        rampUp: null,
        flaggedAt: null,
        flagReason: null,
        createdAt: T0,
        updatedAt: T0,
      });
      const { campaign } = await seedCampaign(h.store, { leads: 3, mailboxIds: [mailbox.id] });
      const pacing = { mailboxId: mailbox.id, nextFreeAt: at(1) };
      const first = await h.store.claimDueLeads(claim(campaign.id, "a", { mailboxId: "m1", pacing }));
      expect(first).toHaveLength(1);
      expect(await h.store.claimDueLeads(claim(campaign.id, "b", { mailboxId: "m1", pacing }))).toEqual([]);
      const later = await h.store.claimDueLeads(
        claim(campaign.id, "c", {
          mailboxId: "m1",
          now: at(1),
          pacing: { mailboxId: "m1", nextFreeAt: at(2) },
        }),
      );
      expect(later).toHaveLength(1);
      expect(await h.store.claimDueLeads(claim(campaign.id, "d", { mailboxId: null }))).toEqual([]);
    });

    it("releases a lead it pauses, keeping a lead whose status changed meanwhile", async () => {
      const { campaign } = await seedCampaign(h.store, { leads: 2 });
      const [a, b] = await h.store.claimDueLeads(claim(campaign.id, "t"));
      const replied = await h.store.applyLeadChanges([
        {
          leadId: b!.lead.id,
          expectedVersion: b!.lead.version,
          set: { status: "replied", nextEmailAt: null, hasReplied: true, repliedAt: at(1) },
          counters: [],
          event: {
            id: crypto.randomUUID(),
            kind: "replied",
            campaignId: campaign.id,
            leadId: b!.lead.id,
            emailId: null,
            at: at(1),
            data: {},
          },
        },
      ]);
      expect(replied.applied).toEqual([b!.lead.id]);
      await h.store.releaseLeads(
        [
          { leadId: a!.lead.id, leaseToken: "t", pause: { reason: "missing hotel_name" }, quotas: [] },
          { leadId: b!.lead.id, leaseToken: "t", pause: { reason: "missing hotel_name" }, quotas: [] },
        ],
        at(1),
      );
      const pausedA = await h.store.getLead(a!.lead.id);
      expect(pausedA).toMatchObject({ status: "paused", lastError: "missing hotel_name", nextEmailAt: null });
      expect((await h.store.getLead(b!.lead.id))?.status).toBe("replied");
      const counters = await h.store.getCounters(campaign.id);
      expect(counters.leadsByStatus).toMatchObject({ active: 0, paused: 1, replied: 1 });
      expect(counters.activeLeads).toBe(1);
      expect(await h.store.audit({ now: at(10) })).toEqual([]);
    });

    it("sends nothing twice when a worker dies mid-send", async () => {
      const { campaign } = await seedCampaign(h.store, { leads: 1, steps: 1 });
      const [dead] = await h.store.claimDueLeads(claim(campaign.id, "dead"));
      const lost = newEmail(dead!.lead, "dead");
      expect((await h.store.beginSends([lost], T0)).begun).toEqual([lost.id]);
      // The worker dies; its lease runs out and another worker claims the lead.
      const [again] = await h.store.claimDueLeads(
        claim(campaign.id, "next", { now: at(6), leaseExpiresAt: at(11) }),
      );
      expect(again?.lead.id).toBe(dead!.lead.id);
      const retry = newEmail(again!.lead, "next");
      const begun = await h.store.beginSends([retry], at(6));
      expect(begun.begun).toEqual([]);
      expect(begun.stale.map((e) => [e.id, e.status])).toEqual([[lost.id, "unknown"]]);
      const done = await h.store.completeSends([
        outcome("unknown", { ...lost, leaseToken: "next" }, { lastStep: 1, lead: { currentStep: 1 } }),
      ]);
      expect(done.applied).toEqual([dead!.lead.id]);
      // The dead worker's late outcome is fenced.
      expect((await h.store.completeSends([outcome("sent", lost, { lastStep: 1 })])).fenced).toEqual([
        dead!.lead.id,
      ]);
      const counters = await h.store.getCounters(campaign.id);
      expect(counters.steps[0]).toMatchObject({ sent: 1, unknown: 1 });
      expect(counters.emailsSent).toBe(1);
      expect((await h.store.getLead(dead!.lead.id))?.status).toBe("completed");
      expect(await h.store.audit({ now: at(20) })).toEqual([]);
    });
  });
}
