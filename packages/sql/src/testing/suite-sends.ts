import { isCadenzaError } from "@cadenza/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { at, counter, event, newCampaign, newEmail, outcome, seedCampaign, T0 } from "./fixtures.js";
import type { SqlStoreHarness, SqlStoreSuiteOptions } from "./sql-store-harness.js";

/** Sends: records before the transport call, fenced outcomes, counters that equal the records. */
export function sendSuite(options: SqlStoreSuiteOptions): void {
  describe("beginSends and completeSends", () => {
    let h: SqlStoreHarness;
    beforeEach(async () => {
      h = await options.createHarness();
    });
    afterEach(() => h.cleanup());

    const claimAll = async (campaignId: string, token: string, now = T0) =>
      h.store.claimDueLeads({
        campaignId,
        now,
        limit: 100,
        leaseToken: token,
        leaseExpiresAt: new Date(now.getTime() + 300_000),
        quotas: [],
      });

    it("records a sending email per lead and step, and moves sent counters with it", async () => {
      const { campaign } = await seedCampaign(h.store, { leads: 3 });
      const claimed = await claimAll(campaign.id, "t");
      const emails = claimed.map((c) => newEmail(c.lead, "t"));
      const begun = await h.store.beginSends(emails, T0);
      expect(begun.begun.sort()).toEqual(emails.map((e) => e.id).sort());
      expect(begun.fenced).toEqual([]);
      const stored = await h.store.getEmail(emails[0]!.id);
      expect(stored).toMatchObject({ status: "sending", direction: "outbound", counterDay: "2030-03-04" });
      const counters = await h.store.getCounters(campaign.id);
      expect(counters.emailsSent).toBe(3);
      expect(counters.steps.find((s) => s.stepNumber === 1 && s.variant === "A")?.sent).toBe(3);
      const daily = await h.store.getDailyActivity(campaign.id, {
        fromDay: "2030-03-03",
        toDay: "2030-03-05",
      });
      expect(daily.map((d) => [d.day, d.sent])).toEqual([["2030-03-04", 3]]);
      expect(await h.store.audit({ now: T0 })).toEqual([]);
    });

    it("keeps every character of a batch's values, arrays included", async () => {
      const { campaign } = await seedCampaign(h.store, { leads: 2 });
      const claimed = await claimAll(campaign.id, "t");
      const odd = ['a "quoted", {braced} \\ back\\slash', "", "NULL", "ünïcødé ✉"];
      const emails = claimed.map((c, i) => ({
        ...newEmail(c.lead, "t"),
        references: i === 0 ? odd : [],
        links: i === 0 ? ["https://x.example/?a=1&b={2}", 'say "hi"'] : [],
        // Short and long bodies (stores may send long text another way than short).
        html:
          i === 0
            ? `<p title="${odd[0]}">\n\t${odd[3]}</p>`
            : `<p title="${odd[0]}">${odd[3]}</p>\n`.repeat(40),
        text: odd.join("\n"),
        inReplyTo: i === 0 ? "NULL" : null,
      }));
      expect((await h.store.beginSends(emails, T0)).begun).toHaveLength(2);
      for (const email of emails) {
        expect(await h.store.getEmail(email.id)).toMatchObject({
          references: email.references,
          links: email.links,
          html: email.html,
          text: email.text,
          inReplyTo: email.inReplyTo,
        });
      }
    });

    it("fences an email whose lead is held under another lease", async () => {
      const { campaign } = await seedCampaign(h.store, { leads: 1 });
      const [c] = await claimAll(campaign.id, "mine");
      const begun = await h.store.beginSends([newEmail(c!.lead, "not-mine")], T0);
      expect(begun).toEqual({ begun: [], fenced: [c!.lead.id], stale: [] });
      expect((await h.store.getCounters(campaign.id)).emailsSent).toBe(0);
    });

    it("sorts one batch into begun, fenced and stale, counting each once", async () => {
      const { campaign } = await seedCampaign(h.store, { leads: 3 });
      const first = await claimAll(campaign.id, "old");
      const [fresh, fencedLead, staleLead] = first.map((c) => c.lead);
      // An earlier lease began the stale lead's step 1 and died; its lease ran out.
      await h.store.beginSends([newEmail(staleLead!, "old")], T0);
      const later = at(10);
      const again = await claimAll(campaign.id, "new", later);
      expect(again.map((c) => c.lead.id).sort()).toEqual(first.map((c) => c.lead.id).sort());
      const emails = [
        newEmail(fresh!, "new"),
        newEmail(fencedLead!, "someone-else"),
        newEmail(staleLead!, "new"),
      ];
      const result = await h.store.beginSends(emails, later);
      expect(result.begun).toEqual([emails[0]!.id]);
      expect(result.fenced).toEqual([fencedLead!.id]);
      expect(result.stale.map((e) => [e.leadId, e.status])).toEqual([[staleLead!.id, "unknown"]]);
      const counters = await h.store.getCounters(campaign.id);
      expect(counters.emailsSent).toBe(2);
      expect(counters.steps.find((r) => r.stepNumber === 1)).toMatchObject({ sent: 2, unknown: 1 });
      expect(await h.store.getEmail(emails[1]!.id)).toBeNull();
      expect(await h.store.getEmail(emails[2]!.id)).toBeNull();
    });

    it("advances the lead on sent, deletes the record on retry, suppresses on bounce", async () => {
      const { campaign } = await seedCampaign(h.store, { leads: 3 });
      const claimed = await claimAll(campaign.id, "t");
      const c0Version = claimed[0]!.lead.version;
      const [sent, retry, bounce] = claimed.map((c) => newEmail(c.lead, "t"));
      await h.store.beginSends([sent!, retry!, bounce!], T0);
      const bounced = outcome("bounced", bounce!);
      bounced.suppress = { email: "GM@Hotel.example", reason: "hard bounce" };
      const done = await h.store.completeSends([outcome("sent", sent!), outcome("retry", retry!), bounced]);
      expect(done.applied).toHaveLength(3);
      expect(await h.store.getEmail(sent!.id)).toMatchObject({
        status: "sent",
        sentAt: at(1),
        response: "250 OK",
      });
      expect(await h.store.getEmail(retry!.id)).toBeNull();
      expect(await h.store.getEmail(bounce!.id)).toMatchObject({ status: "bounced", bouncedAt: at(1) });
      const lead = await h.store.getLead(sent!.leadId);
      expect(lead).toMatchObject({ currentStep: 1, status: "active", emailsSent: 1, nextEmailAt: at(2880) });
      expect(lead?.version).toBe(c0Version + 1);
      const retried = await h.store.getLead(retry!.leadId);
      expect(retried).toMatchObject({
        currentStep: 0,
        attempts: 1,
        lastError: "421 try later",
        nextEmailAt: at(30),
      });
      expect((await h.store.getLead(bounce!.leadId))?.status).toBe("bounced");
      expect(await h.store.findSuppressed(["gm@hotel.EXAMPLE", "other@x.example"])).toEqual(
        new Set(["gm@hotel.example"]),
      );
      const counters = await h.store.getCounters(campaign.id);
      expect(counters).toMatchObject({ emailsSent: 2, leadsCount: 3, activeLeads: 2, completedLeads: 0 });
      expect(counters.steps[0]).toMatchObject({ sent: 2, bouncedHard: 1 });
      const events = await h.store.listEvents({ campaignId: campaign.id, limit: 10 });
      expect(events.map((e) => e.kind).sort()).toEqual(["bounced", "send_failed", "sent"]);
      expect(await h.store.audit({ now: at(10) })).toEqual([]);
      // The lease ended with the outcome: a second write for it is fenced.
      expect((await h.store.completeSends([outcome("sent", sent!)])).fenced).toEqual([sent!.leadId]);
    });

    it("keeps the status and next send of a lead that replied mid-send, and still moves its step", async () => {
      const { campaign } = await seedCampaign(h.store, { leads: 1 });
      const [c] = await claimAll(campaign.id, "t");
      const email = newEmail(c!.lead, "t");
      await h.store.beginSends([email], T0);
      const reply = await h.store.applyLeadChanges([
        {
          leadId: c!.lead.id,
          expectedVersion: c!.lead.version,
          set: { status: "replied", nextEmailAt: null, hasReplied: true, repliedAt: at(1) },
          counters: [counter(email, "replies", 1)],
          event: event("replied", email),
        },
      ]);
      expect(reply).toEqual({ applied: [c!.lead.id], conflicts: [] });
      await h.store.completeSends([outcome("sent", email)]);
      const lead = await h.store.getLead(c!.lead.id);
      expect(lead).toMatchObject({
        status: "replied",
        nextEmailAt: null,
        currentStep: 1,
        emailsSent: 1,
        lastEmailAt: at(1),
      });
      const counters = await h.store.getCounters(campaign.id);
      expect(counters).toMatchObject({ repliesReceived: 1, activeLeads: 0 });
      expect(counters.leadsByStatus.replied).toBe(1);
      expect(await h.store.audit({ now: at(10) })).toEqual([]);
    });

    it("applies a lead change only at the expected version", async () => {
      const { leadIds } = await seedCampaign(h.store, { leads: 1 });
      const lead = (await h.store.getLead(leadIds[0]!))!;
      const pause = {
        leadId: lead.id,
        expectedVersion: lead.version,
        set: {
          status: "paused" as const,
          nextEmailAt: null,
          pausedUntil: at(60),
          lastError: "out of office",
        },
        counters: [],
        event: event("paused"),
      };
      const [first, second] = await Promise.all([
        h.store.applyLeadChanges([pause]),
        (await h.open()).applyLeadChanges([{ ...pause, event: event("paused") }]),
      ]);
      expect([first.applied.length, second.applied.length].sort()).toEqual([0, 1]);
      expect([...first.conflicts, ...second.conflicts]).toEqual([lead.id]);
      const paused = await h.store.getLead(lead.id);
      expect(paused).toMatchObject({ status: "paused", version: lead.version + 1, pausedUntil: at(60) });
      expect((await h.store.findLeadsToResume(at(61), 10)).map((l) => l.id)).toEqual([lead.id]);
      expect(await h.store.findLeadsToResume(at(59), 10)).toEqual([]);
    });

    it("keeps counters equal to email records through a concurrent workload", async () => {
      const { campaign } = await seedCampaign(h.store, { leads: 30, steps: 2 });
      const workers = [h.store, await h.open(), await h.open()];
      const work = async (store: typeof h.store, token: string, now: Date) => {
        const claimed = await store.claimDueLeads({
          campaignId: campaign.id,
          now,
          limit: 5,
          leaseToken: token,
          leaseExpiresAt: new Date(now.getTime() + 300_000),
          quotas: [],
        });
        const emails = claimed.map((c) => newEmail(c.lead, token, c.lead.currentStep + 1));
        const begun = await store.beginSends(emails, now);
        const outcomes = emails
          .filter((e) => begun.begun.includes(e.id))
          .map((e, i) => {
            const kind = i % 4 === 3 ? "retry" : "sent";
            const last = kind === "sent" && e.stepNumber === 2;
            return outcome(kind, e, { lead: { nextEmailAt: last ? null : now } });
          });
        await store.completeSends(outcomes);
        return emails.length;
      };
      let rounds = 0;
      for (let step = 0; step < 12; step++) {
        const now = at(step);
        const counts = await Promise.all(workers.map((w, i) => work(w, `w${i}s${step}`, now)));
        rounds += counts.reduce((a, b) => a + b, 0);
      }
      expect(rounds).toBeGreaterThan(60);
      expect(await h.store.audit({ now: at(100) })).toEqual([]);
      const counters = await h.store.getCounters(campaign.id);
      const emails = await h.store.listEmails({ campaignId: campaign.id, limit: 1000, offset: 0 });
      expect(counters.emailsSent).toBe(emails.length);
      expect(counters.steps.reduce((s, r) => s + r.sent, 0)).toBe(emails.length);
    });

    it("maps a duplicate key to CONFLICT and writes nothing of the failed batch", async () => {
      const campaign = newCampaign();
      await h.store.createCampaign(campaign);
      const error = await h.store.createCampaign(campaign).catch((e: unknown) => e);
      expect(isCadenzaError(error, "CONFLICT")).toBe(true);
      const other = newCampaign();
      other.steps[1]!.id = other.steps[0]!.id;
      expect(isCadenzaError(await h.store.createCampaign(other).catch((e: unknown) => e), "CONFLICT")).toBe(
        true,
      );
      expect(await h.store.getCampaign(other.id)).toBeNull();
    });
  });
}
