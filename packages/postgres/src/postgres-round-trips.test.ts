import type { ClaimRequest } from "@cadenza/core";
import { at, counter, event, newEmail, outcome, seedCampaign, T0 } from "@cadenza/sql/testing";
import pg from "pg";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { postgresStore } from "./postgres-store.js";
import {
  describeUnreachable,
  dropSchema,
  postgresReachable,
  recordStatements,
  TEST_DATABASE_URL,
  testSchemaName,
} from "./postgres-test-database.js";

if (!(await postgresReachable())) describeUnreachable("postgres round trips");
else
  describe("postgres round trips of a dispatch batch", () => {
    const schemas: string[] = [];
    let pool: pg.Pool;
    let statements: string[];
    let schema: string;
    afterAll(async () => {
      for (const s of schemas) await dropSchema(s);
    });
    beforeEach(() => {
      schema = testSchemaName();
      schemas.push(schema);
      statements = [];
      pool = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 2 });
      // Every statement any connection of the pool sends, in order.
      recordStatements(pool, ({ text }) => statements.push(text.trim().toLowerCase()));
    });
    afterEach(() => pool.end());

    const claim = (campaignId: string, leaseToken: string, limit: number): ClaimRequest => ({
      campaignId,
      now: T0,
      limit,
      leaseToken,
      leaseExpiresAt: new Date(T0.getTime() + 300_000),
      quotas: [{ key: `campaign:${campaignId}`, day: "2030-03-04", limit: 7 }],
    });

    it("claims in one statement once the quota row exists, and begins a batch in one", async () => {
      const store = postgresStore(pool, { schema, migrate: true });
      const { campaign } = await seedCampaign(store, { leads: 10 });

      // The day's first claim creates the quota row, in a transaction.
      statements = [];
      const first = await store.claimDueLeads(claim(campaign.id, "one", 3));
      expect(first).toHaveLength(3);
      expect(statements).toContain("begin");

      // An address suppressed after enrollment: the claim says so, and the engine need not ask.
      const taken = new Set(first.map((c) => c.lead.id));
      const [unclaimed] = (await store.listLeads(campaign.id, { limit: 100, offset: 0 }))
        .filter((l) => !taken.has(l.id))
        .sort((a, b) => (a.id < b.id ? -1 : 1));
      const address = (await store.getProspects([unclaimed!.prospectId]))[0]!.email!;
      await store.suppress([
        { email: address.toUpperCase(), reason: "manual", campaignId: null, createdAt: T0 },
      ]);

      statements = [];
      const second = await store.claimDueLeads(claim(campaign.id, "two", 10));
      // Cut to what the quota grants (7 − 3), each lead with its prospect.
      expect(second).toHaveLength(4);
      expect(second.every((c) => c.prospect.id === c.lead.prospectId && c.prospect.email)).toBe(true);
      expect(second.filter((c) => c.suppressed).map((c) => c.prospect.email)).toEqual([address]);
      expect(second.filter((c) => c.suppressed === false)).toHaveLength(3);
      expect(statements).toHaveLength(1);
      expect(await store.getQuotaUsage(`campaign:${campaign.id}`, "2030-03-04")).toBe(7);

      statements = [];
      const begun = await store.beginSends(
        second.map((c) => newEmail(c.lead, "two")),
        T0,
      );
      expect(begun.begun).toHaveLength(4);
      expect(statements).toHaveLength(1);
      expect((await store.getCounters(campaign.id)).emailsSent).toBe(4);

      // An email that was not inserted (its lead holds another lease) is sorted out in a transaction.
      statements = [];
      const fenced = await store.beginSends([newEmail(first[0]!.lead, "not-mine")], T0);
      expect(fenced).toEqual({ begun: [], fenced: [first[0]!.lead.id], stale: [] });
      expect(statements[0]).not.toBe("begin");
      expect(statements).toContain("begin");
      expect((await store.getCounters(campaign.id)).emailsSent).toBe(4);
      expect(await store.audit({ now: T0 })).toEqual([]);
      await store.close();
    });

    it("records a batch's outcomes in one statement, and in a transaction when a lead changed mid-send", async () => {
      const store = postgresStore(pool, { schema, migrate: true });
      const { campaign } = await seedCampaign(store, { leads: 5 });
      const claimed = await store.claimDueLeads({ ...claim(campaign.id, "t", 5), quotas: [] });
      const emails = claimed.map((c) => newEmail(c.lead, "t"));
      await store.beginSends(emails, T0);

      statements = [];
      const done = await store.completeSends(
        emails.slice(0, 3).map((e) => outcome("sent", e, { lastStep: 1 })),
      );
      expect(done).toEqual({ applied: emails.slice(0, 3).map((e) => e.leadId), fenced: [] });
      expect(statements).toHaveLength(1);
      for (const e of emails.slice(0, 3)) {
        expect(await store.getLead(e.leadId)).toMatchObject({
          status: "completed",
          emailsSent: 1,
          currentStep: 1,
        });
      }

      // One of the last two replied while its email was being sent: nothing of the one statement is
      // kept, and the transaction records both, the replied lead keeping its status.
      const [replied, other] = [emails[3]!, emails[4]!];
      const lead = claimed.find((c) => c.lead.id === replied.leadId)!.lead;
      await store.applyLeadChanges([
        {
          leadId: lead.id,
          expectedVersion: lead.version,
          set: { status: "replied", nextEmailAt: null, hasReplied: true, repliedAt: at(1) },
          counters: [counter(replied, "replies", 1)],
          event: event("replied", replied),
        },
      ]);
      statements = [];
      const rest = await store.completeSends(
        [replied, other].map((e) => outcome("sent", e, { lastStep: 1 })),
      );
      expect(rest).toEqual({ applied: [replied.leadId, other.leadId], fenced: [] });
      expect(statements).toContain("begin");
      expect(await store.getLead(replied.leadId)).toMatchObject({ status: "replied", emailsSent: 1 });
      expect(await store.getLead(other.leadId)).toMatchObject({ status: "completed", emailsSent: 1 });
      const counters = await store.getCounters(campaign.id);
      expect(counters).toMatchObject({
        emailsSent: 5,
        completedLeads: 4,
        repliesReceived: 1,
        activeLeads: 0,
      });
      expect(
        (await store.listEvents({ campaignId: campaign.id, limit: 100 })).filter((e) => e.kind === "sent"),
      ).toHaveLength(5);
      expect(await store.audit({ now: at(10) })).toEqual([]);
      await store.close();
    });
  });
