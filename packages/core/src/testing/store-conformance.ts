import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type ProspectFilterInput, prospectFilterSchema } from "../audience/prospect-schema.js";
import { isCadenzaError } from "../errors.js";
import type {
  ClaimedLead,
  ClaimRequest,
  EngagementWrite,
  IdGenerator,
  SendOutcomeWrite,
  Store,
} from "../ports.js";
import {
  advanceFixture,
  campaignFixture,
  delta,
  eventFixture,
  newEmailFixture,
  prospectsFixture,
} from "./fixtures.js";
import { sequentialIds } from "./seeded.js";
import { simulateCampaign } from "./simulated-campaign.js";

/** What a store factory hands the suite: a fresh, empty store, and how to clean up after it. */
export interface StoreHandle {
  store: Store;
  /** Opens a second, independent handle on the same data (another engine or process), if the store can. */
  another?: () => Promise<Store>;
  cleanup: () => Promise<void>;
}

export interface StoreConformanceOptions {
  /** Shown in test names. */
  name: string;
  /** Makes a fresh, empty, migrated store for one test. */
  createStore: () => Promise<StoreHandle>;
}

let suiteRuns = 0;
const T0 = new Date("2026-01-05T10:00:00Z");
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
const filter = (f: ProspectFilterInput = {}) => prospectFilterSchema.parse(f);

/**
 * The one test suite every store runs: the in-memory store, SQLite and Postgres alike. Call it at the
 * top level of a test file.
 *
 * ```ts
 * runStoreConformanceSuite({ name: "sqlite", createStore: async () => { … return { store, cleanup } } });
 * ```
 */
export function runStoreConformanceSuite(options: StoreConformanceOptions): void {
  describe(`store conformance: ${options.name}`, () => {
    let handle: StoreHandle;
    let store: Store;
    let ids: IdGenerator;

    beforeEach(async () => {
      handle = await options.createStore();
      store = handle.store;
      suiteRuns += 1;
      ids = sequentialIds(suiteRuns);
    });
    afterEach(async () => {
      await handle.cleanup();
    });

    async function seed(prospectCount = 10, campaignOverrides = {}) {
      const campaign = await store.createCampaign(campaignFixture(ids, campaignOverrides));
      const prospects = await store.upsertProspects(prospectsFixture(ids, prospectCount), T0);
      return { campaign, prospects };
    }

    async function enrollAll(campaignId: string, firstEmailAt = T0, extra: { mailboxIds?: string[] } = {}) {
      return store.enrollProspects({
        campaignId,
        filter: filter(),
        rules: {},
        variant: null,
        mailboxIds: extra.mailboxIds ?? [],
        addedBy: "manual",
        firstEmailAt,
        now: T0,
        newId: () => ids.id(),
      });
    }

    /** The email a claimed lead's step would be recorded as (step 1 under its own lease by default). */
    function emailFor(
      campaignId: string,
      claimed: ClaimedLead,
      options: { stepNumber?: number; leaseToken?: string; variant?: "A" | "B" } = {},
    ) {
      return newEmailFixture(ids, {
        leadId: claimed.lead.id,
        campaignId,
        prospectId: claimed.prospect.id,
        stepNumber: options.stepNumber ?? 1,
        leaseToken: options.leaseToken ?? claimed.leaseToken,
        variant: options.variant,
      });
    }

    /** Which email, lead and lease a send outcome is about (the claim's own lease by default). */
    function outcomeRefs(email: { id: string }, claimed: ClaimedLead, leaseToken = claimed.leaseToken) {
      return { emailId: email.id, leadId: claimed.lead.id, leaseToken };
    }

    function claim(campaignId: string, overrides: Partial<ClaimRequest> = {}) {
      return store.claimDueLeads({
        campaignId,
        now: at(1),
        limit: 100,
        leaseToken: ids.token(),
        leaseExpiresAt: at(11),
        quotas: [],
        ...overrides,
      });
    }

    describe("campaigns", () => {
      it("creates a campaign with its steps in order and reads it back", async () => {
        const input = campaignFixture(ids);
        const created = await store.createCampaign(input);
        const read = await store.getCampaign(input.id);
        expect(read).toEqual(created);
        expect(read?.steps.map((s) => s.stepNumber)).toEqual([1, 2, 3]);
        expect(read?.steps[0]?.variantB?.subject).toBe("Idea for {{company}}");
        expect(read?.sendDays).toEqual(["monday", "tuesday", "wednesday", "thursday", "friday"]);
        expect(read?.winnerVariant).toBeNull();
      });

      it("updates settings and replaces steps", async () => {
        const { campaign } = await seed(0);
        const updated = await store.updateCampaign(campaign.id, {
          name: "Renamed",
          active: false,
          steps: [{ ...campaign.steps[0]!, id: ids.id(), delayHours: 5 }],
          updatedAt: at(5),
        });
        expect(updated.name).toBe("Renamed");
        expect(updated.active).toBe(false);
        expect(updated.steps).toHaveLength(1);
        expect((await store.getCampaign(campaign.id))?.steps[0]?.delayHours).toBe(5);
      });

      it("lists campaigns newest first and filters by active", async () => {
        const a = await store.createCampaign(campaignFixture(ids, {}, at(0)));
        const b = await store.createCampaign(campaignFixture(ids, {}, at(1)));
        await store.updateCampaign(a.id, { active: false, updatedAt: at(2) });
        expect((await store.listCampaigns()).map((c) => c.id)).toEqual([b.id, a.id]);
        expect((await store.listCampaigns({ active: true })).map((c) => c.id)).toEqual([b.id]);
      });

      it("reports NOT_FOUND when updating a missing campaign", async () => {
        await expect(store.updateCampaign(ids.id(), { name: "x", updatedAt: T0 })).rejects.toSatisfy((e) =>
          isCadenzaError(e, "NOT_FOUND"),
        );
      });
    });

    describe("prospects", () => {
      it("upserts by lower-case email: new ones are created, known ones updated in place", async () => {
        const [first] = await store.upsertProspects(prospectsFixture(ids, 1), T0);
        const again = prospectsFixture(ids, 1, () => ({ company: "Renamed Hotel" }));
        const [second] = await store.upsertProspects(again, at(1));
        expect(first?.created).toBe(true);
        expect(second).toEqual({ id: first?.id, email: "p0@example.com", created: false });
        const [row] = await store.getProspects([first!.id]);
        expect(row?.company).toBe("Renamed Hotel");
        expect(row?.attributes).toEqual({ hotel_name: "Hotel 0" });
        expect(row?.tags).toEqual(["boutique", "coastal"]);
      });

      it("applies each filter alone and combined, ordered by score", async () => {
        await store.upsertProspects(prospectsFixture(ids, 30), T0);
        const emails = async (f: ProspectFilterInput) =>
          (await store.findProspects(filter(f), { limit: 100, offset: 0 })).rows.map((p) => p.email);
        expect(await emails({ tier: "hot" })).toHaveLength(10);
        expect(await emails({ tier: ["hot", "warm"] })).toHaveLength(20);
        expect(await emails({ stage: "ready" })).toHaveLength(8);
        expect(await emails({ source: "scraper" })).toHaveLength(6);
        expect(await emails({ tags: ["coastal"] })).toHaveLength(15);
        expect(await emails({ tags: ["coastal", "boutique"], tagsMatch: "all" })).toHaveLength(15);
        expect(await emails({ tags: ["coastal", "nowhere"], tagsMatch: "any" })).toHaveLength(15);
        expect(await emails({ tags: ["coastal", "nowhere"], tagsMatch: "all" })).toHaveLength(0);
        expect(await emails({ minScore: 25 })).toEqual([
          "p29@example.com",
          "p28@example.com",
          "p27@example.com",
          "p26@example.com",
          "p25@example.com",
        ]);
        expect(await emails({ search: "porto" })).toHaveLength(15);
        expect(await emails({ search: "FIRST1" })).toHaveLength(11);
        expect(await emails({ search: "p7@EXAMPLE" })).toEqual(["p7@example.com"]);
        expect(await emails({ search: "hotel 2" })).toHaveLength(11);
        expect(await emails({ tier: "hot", tags: ["coastal"], minScore: 10 })).toEqual([
          "p24@example.com",
          "p18@example.com",
          "p12@example.com",
        ]);
        expect(await emails({ hasEmail: true })).toHaveLength(30);
        expect(await emails({ hasEmail: false })).toHaveLength(0);
      });

      it("treats search text as data: wildcards and SQL match nothing and harm nothing", async () => {
        await store.upsertProspects(prospectsFixture(ids, 5), T0);
        for (const search of ["'; drop table prospects; --", "%", "_", "\\", '"', "p1%"]) {
          expect((await store.findProspects(filter({ search }), { limit: 10, offset: 0 })).total).toBe(0);
        }
        expect((await store.findProspects(filter(), { limit: 10, offset: 0 })).total).toBe(5);
      });

      it("excludes archived prospects unless asked, and pages with a total", async () => {
        await store.upsertProspects(
          prospectsFixture(ids, 12, (i) => ({ archived: i < 2 })),
          T0,
        );
        const page = await store.findProspects(filter(), { limit: 4, offset: 4 });
        expect(page.total).toBe(10);
        expect(page.rows.map((p) => p.score)).toEqual([7, 6, 5, 4]);
        expect((await store.findProspects(filter({ archived: true }), { limit: 10, offset: 0 })).total).toBe(
          2,
        );
      });
    });

    describe("audience", () => {
      it("enrolls matching prospects once; a second enroll skips them as already enrolled", async () => {
        const { campaign } = await seed(10);
        const first = await enrollAll(campaign.id);
        expect(first.added).toBe(10);
        expect(first.leadIds).toHaveLength(10);
        const second = await enrollAll(campaign.id);
        expect(second).toMatchObject({ added: 0, skipped: 10, reasons: { already_enrolled: 10 } });
        const counters = await store.getCounters(campaign.id);
        expect(counters).toMatchObject({ leadsCount: 10, activeLeads: 10, completedLeads: 0 });
        expect(counters.leadsByStatus.active).toBe(10);
        const lead = await store.getLead(first.leadIds[0]!);
        expect(lead).toMatchObject({ status: "active", currentStep: 0, nextEmailAt: T0, addedBy: "manual" });
      });

      it("skips suppressed addresses and unknown ids with reasons", async () => {
        const { campaign, prospects } = await seed(5);
        await store.suppress([
          { email: "P1@example.com", reason: "bounced", campaignId: null, createdAt: T0 },
        ]);
        const result = await store.enrollProspects({
          campaignId: campaign.id,
          filter: filter({ ids: [prospects[0]!.id, prospects[1]!.id, ids.id()] }),
          rules: {},
          variant: "B",
          mailboxIds: [],
          addedBy: "import",
          firstEmailAt: T0,
          now: T0,
          newId: () => ids.id(),
        });
        expect(result).toMatchObject({ added: 1, skipped: 2, reasons: { suppressed: 1, not_found: 1 } });
        expect((await store.getLead(result.leadIds[0]!))?.assignedVariant).toBe("B");
      });

      it("previews exactly what enroll then adds, stage by stage", async () => {
        const { campaign } = await seed(12);
        const other = await store.createCampaign(campaignFixture(ids));
        await store.suppress([
          { email: "p2@example.com", reason: "unsubscribed", campaignId: null, createdAt: T0 },
        ]);
        await store.enrollProspects({
          campaignId: other.id,
          filter: filter({ search: "p3@" }),
          rules: {},
          variant: null,
          mailboxIds: [],
          addedBy: "manual",
          firstEmailAt: T0,
          now: T0,
          newId: () => ids.id(),
        });
        await store.enrollProspects({
          campaignId: campaign.id,
          filter: filter({ search: "p4@" }),
          rules: {},
          variant: null,
          mailboxIds: [],
          addedBy: "manual",
          firstEmailAt: T0,
          now: T0,
          newId: () => ids.id(),
        });
        const rules = { excludeActiveInOtherCampaigns: true, excludeContactedWithinDays: 30 };
        const preview = await store.previewAudience({
          campaignId: campaign.id,
          filter: filter(),
          rules,
          now: T0,
          sampleSize: 3,
        });
        expect(preview).toMatchObject({
          matching: 12,
          withValidEmail: 12,
          notSuppressed: 11,
          notInCampaign: 10,
          notActiveElsewhere: 9,
          notRecentlyContacted: 9,
          enrollable: 9,
        });
        expect(preview.sample).toHaveLength(3);
        const enrolled = await store.enrollProspects({
          campaignId: campaign.id,
          filter: filter(),
          rules,
          variant: null,
          mailboxIds: [],
          addedBy: "automation",
          firstEmailAt: T0,
          now: T0,
          newId: () => ids.id(),
        });
        expect(enrolled.added).toBe(preview.enrollable);
        expect(enrolled.reasons).toEqual({ suppressed: 1, already_enrolled: 1, active_in_other_campaign: 1 });
      });

      it("saves, replaces, lists and deletes named audiences", async () => {
        const hot = {
          id: ids.id(),
          name: "Hot in Lisbon",
          filter: filter({ tier: "hot", search: "lisbon" }),
          rules: { excludeContactedWithinDays: 30 },
          createdAt: T0,
          updatedAt: T0,
        };
        const any = {
          id: ids.id(),
          name: "Anyone",
          filter: filter(),
          rules: {},
          createdAt: T0,
          updatedAt: T0,
        };
        await store.saveAudience(hot);
        await store.saveAudience(any);
        expect(await store.getAudience(hot.id)).toEqual(hot);
        await store.saveAudience({
          ...hot,
          name: "Hot anywhere",
          filter: filter({ tier: "hot" }),
          updatedAt: at(1),
        });
        expect((await store.listAudiences()).map((a) => a.name)).toEqual(["Anyone", "Hot anywhere"]);
        expect((await store.getAudience(hot.id))?.filter).toEqual(filter({ tier: "hot" }));
        await store.deleteAudience(any.id);
        expect(await store.getAudience(any.id)).toBeNull();
        expect(await store.listAudiences()).toHaveLength(1);
      });

      it("spreads new leads over mailboxes round robin", async () => {
        const { campaign } = await seed(4);
        const result = await enrollAll(campaign.id, T0, { mailboxIds: ["m1", "m2"] });
        const leads = await Promise.all(result.leadIds.map((id) => store.getLead(id)));
        expect(leads.map((l) => l?.mailboxId)).toEqual(["m1", "m2", "m1", "m2"]);
      });

      it("moves the leads still to send off a mailbox the campaign no longer lists", async () => {
        const { campaign } = await seed(6, { mailboxIds: ["m1", "m2", "m3"] });
        const { leadIds } = await enrollAll(campaign.id, T0, { mailboxIds: ["m1", "m2", "m3"] });
        // On m2: leads 1 (active) and 4, which is paused; on m3: lead 2, whose sequence has stopped.
        const stop = async (leadId: string, status: "paused" | "unsubscribed") => {
          const lead = await store.getLead(leadId);
          const change = {
            leadId,
            expectedVersion: lead!.version,
            set: { status, nextEmailAt: null },
            counters: [],
            event: eventFixture(ids, status === "paused" ? "paused" : "unsubscribed", at(1)),
          };
          expect((await store.applyLeadChanges([change])).applied).toEqual([leadId]);
        };
        await stop(leadIds[4]!, "paused");
        await stop(leadIds[2]!, "unsubscribed");
        const mailboxes = async () =>
          (await Promise.all(leadIds.map((id) => store.getLead(id)))).map((l) => l?.mailboxId);
        expect(await mailboxes()).toEqual(["m1", "m2", "m3", "m1", "m2", "m3"]);

        await store.updateCampaign(campaign.id, { mailboxIds: ["m1", "m3"], updatedAt: at(2) });
        // m2's two leads, in id order, go round robin over the list; the stopped lead keeps its mailbox.
        expect(await mailboxes()).toEqual(["m1", "m1", "m3", "m1", "m3", "m3"]);
        expect((await claim(campaign.id, { mailboxId: "m2" })).map((c) => c.lead.id)).toEqual([]);

        await store.updateCampaign(campaign.id, { mailboxIds: [], updatedAt: at(3) });
        expect(await mailboxes()).toEqual([null, null, "m3", null, null, null]);
        expect((await store.getCampaign(campaign.id))?.mailboxIds).toEqual([]);
      });
    });

    describe("claiming", () => {
      it("claims only due, active leads, oldest due first, up to the limit", async () => {
        const { campaign } = await seed(5);
        const { leadIds } = await enrollAll(campaign.id, at(0));
        await enrollAll(campaign.id, at(0));
        const later = await store.createCampaign(campaignFixture(ids));
        await store.enrollProspects({
          campaignId: later.id,
          filter: filter(),
          rules: {},
          variant: null,
          mailboxIds: [],
          addedBy: "manual",
          firstEmailAt: at(60),
          now: T0,
          newId: () => ids.id(),
        });
        const claimed = await claim(campaign.id, { limit: 3 });
        expect(claimed).toHaveLength(3);
        expect(claimed.every((c) => leadIds.includes(c.lead.id))).toBe(true);
        expect(claimed[0]?.prospect.email).toMatch(/@example\.com$/);
        expect(await claim(later.id)).toHaveLength(0);
      });

      it("never hands one lead to two live leases, even when claims race", async () => {
        const { campaign } = await seed(40);
        await enrollAll(campaign.id);
        const other = handle.another ? await handle.another() : store;
        const results = await Promise.all(
          Array.from({ length: 6 }, (_, i) =>
            (i % 2 === 0 ? store : other).claimDueLeads({
              campaignId: campaign.id,
              now: at(1),
              limit: 10,
              leaseToken: ids.token(),
              leaseExpiresAt: at(11),
              quotas: [],
            }),
          ),
        );
        const claimedIds = results.flat().map((c) => c.lead.id);
        expect(claimedIds).toHaveLength(40);
        expect(new Set(claimedIds).size).toBe(40);
      });

      it("lets another worker take a lead once its lease has expired", async () => {
        const { campaign } = await seed(1);
        await enrollAll(campaign.id);
        const [first] = await claim(campaign.id, { now: at(1), leaseExpiresAt: at(6) });
        expect(await claim(campaign.id, { now: at(5) })).toHaveLength(0);
        const [second] = await claim(campaign.id, { now: at(7) });
        expect(second?.lead.id).toBe(first?.lead.id);
        expect(second?.leaseToken).not.toBe(first?.leaseToken);
      });

      it("renews the leases still held under a token, expired or not, and only those", async () => {
        expect(store.renewLeases, "a conforming store renews leases").toBeTypeOf("function");
        const renew = store.renewLeases!.bind(store);
        const { campaign } = await seed(4);
        await enrollAll(campaign.id);
        const first = await claim(campaign.id, { now: at(1), leaseExpiresAt: at(6) });
        expect(first).toHaveLength(4);
        const [released, kept] = first.map((c) => c.lead.id) as [string, string];
        const token = first[0]!.leaseToken;

        // Renewed while live: no one else may claim it until the new end.
        expect(await renew({ leaseToken: token, leadIds: [kept], leaseExpiresAt: at(20) })).toEqual([kept]);
        await store.releaseLeads(
          [{ leadId: released, leaseToken: token, nextEmailAt: at(100), quotas: [] }],
          at(2),
        );
        // At 7 the other two leases ran out: a new claim takes one of them; the renewed one stays.
        const second = await claim(campaign.id, { now: at(7), leaseExpiresAt: at(60), limit: 1 });
        expect(second).toHaveLength(1);
        const takenOver = second[0]!.lead.id;
        const expired = first
          .map((c) => c.lead.id)
          .find((id) => id !== released && id !== kept && id !== takenOver)!;
        expect([released, kept]).not.toContain(takenOver);
        // Ran out, but no claim replaced its token: renewed. Released and taken over: not.
        const renewed = await renew({
          leaseToken: token,
          leadIds: [released, takenOver, kept, expired],
          leaseExpiresAt: at(40),
        });
        expect(renewed.sort()).toEqual([kept, expired].sort());
        expect(await renew({ leaseToken: "not-a-token", leadIds: [kept], leaseExpiresAt: at(50) })).toEqual(
          [],
        );
        expect(await renew({ leaseToken: token, leadIds: [], leaseExpiresAt: at(50) })).toEqual([]);
        expect(await claim(campaign.id, { now: at(39), leaseExpiresAt: at(50) })).toHaveLength(0);
        const third = await claim(campaign.id, { now: at(41), leaseExpiresAt: at(50) });
        expect(third.map((c) => c.lead.id).sort()).toEqual([kept, expired].sort());
        // The taken-over lead's new lease was left alone: it still fences the old token's writes.
        const email = emailFor(campaign.id, first.find((c) => c.lead.id === takenOver)!);
        expect((await store.beginSends([email], at(42))).fenced).toEqual([takenOver]);
      });

      it("reserves daily quota atomically across engines sharing the store", async () => {
        const { campaign } = await seed(30);
        await enrollAll(campaign.id);
        const other = handle.another ? await handle.another() : store;
        const quotas = [{ key: `campaign:${campaign.id}`, day: "2026-01-05", limit: 12 }];
        const results = await Promise.all(
          Array.from({ length: 4 }, (_, i) =>
            (i % 2 === 0 ? store : other).claimDueLeads({
              campaignId: campaign.id,
              now: at(1),
              limit: 5,
              leaseToken: ids.token(),
              leaseExpiresAt: at(11),
              quotas,
            }),
          ),
        );
        expect(results.flat()).toHaveLength(12);
        expect(await store.getQuotaUsage(`campaign:${campaign.id}`, "2026-01-05")).toBe(12);
        expect(await claim(campaign.id, { quotas })).toHaveLength(0);
        expect(await claim(campaign.id, { quotas: [{ ...quotas[0]!, day: "2026-01-06" }] })).toHaveLength(12);
      });

      it("gives quota back on release and can reschedule or pause the lead", async () => {
        const { campaign } = await seed(3);
        await enrollAll(campaign.id);
        const quotas = [{ key: `campaign:${campaign.id}`, day: "2026-01-05", limit: 3 }];
        const claimed = await claim(campaign.id, { quotas });
        expect(claimed).toHaveLength(3);
        await store.releaseLeads(
          [
            {
              leadId: claimed[0]!.lead.id,
              leaseToken: claimed[0]!.leaseToken,
              nextEmailAt: at(120),
              quotas: claimed[0]!.quotas,
            },
            {
              leadId: claimed[1]!.lead.id,
              leaseToken: claimed[1]!.leaseToken,
              pause: { reason: "missing first_name" },
              quotas: claimed[1]!.quotas,
            },
            { leadId: claimed[2]!.lead.id, leaseToken: claimed[2]!.leaseToken, quotas: claimed[2]!.quotas },
          ],
          at(2),
        );
        expect(await store.getQuotaUsage(`campaign:${campaign.id}`, "2026-01-05")).toBe(0);
        expect((await store.getLead(claimed[0]!.lead.id))?.nextEmailAt).toEqual(at(120));
        expect(await store.getLead(claimed[1]!.lead.id)).toMatchObject({
          status: "paused",
          nextEmailAt: null,
          lastError: "missing first_name",
        });
        const again = await claim(campaign.id, { now: at(3), quotas });
        expect(again.map((c) => c.lead.id)).toEqual([claimed[2]!.lead.id]);
      });

      it("filters by mailbox and paces a mailbox to one claim per gap", async () => {
        const { campaign } = await seed(4);
        const now = at(0);
        await store.saveMailbox({
          id: "m1",
          fromName: "Ana",
          fromEmail: "ana@sender.test",
          replyTo: null,
          dailyCap: null,
          timezone: "America/Los_Angeles",
          minGapSeconds: 60,
          gapJitterSeconds: 0,
          rampUp: { startCap: 10, increasePerDay: 2, startedOn: "2026-03-02" },
          flaggedAt: null,
          flagReason: null,
          createdAt: now,
          updatedAt: now,
        });
        expect(await store.getMailbox("m1")).toMatchObject({
          timezone: "America/Los_Angeles",
          rampUp: { startCap: 10, increasePerDay: 2, startedOn: "2026-03-02" },
        });
        await enrollAll(campaign.id, T0, { mailboxIds: ["m1", "m2"] });
        const pacing = { mailboxId: "m1", nextFreeAt: at(2) };
        const first = await claim(campaign.id, { mailboxId: "m1", pacing });
        expect(first.map((c) => c.lead.mailboxId)).toEqual(["m1"]);
        expect(
          await claim(campaign.id, {
            mailboxId: "m1",
            now: at(1.5),
            pacing: { mailboxId: "m1", nextFreeAt: at(3) },
          }),
        ).toHaveLength(0);
        expect(
          await claim(campaign.id, {
            mailboxId: "m1",
            now: at(2),
            pacing: { mailboxId: "m1", nextFreeAt: at(3) },
          }),
        ).toHaveLength(1);
        expect((await claim(campaign.id, { mailboxId: "m2" })).map((c) => c.lead.mailboxId)).toEqual([
          "m2",
          "m2",
        ]);
        expect(await claim(campaign.id, { mailboxId: null })).toHaveLength(0);
      });
    });

    describe("sender holds", () => {
      it("keeps one hold per sender, the later end and the most strikes winning, and releases only holds set before", async () => {
        expect(store.holdSenders, "a conforming store holds senders").toBeTypeOf("function");
        expect(store.releaseSenders, "a conforming store releases senders").toBeTypeOf("function");
        expect(store.listSenderHolds, "a conforming store lists sender holds").toBeTypeOf("function");
        const hold = store.holdSenders!.bind(store);
        const release = store.releaseSenders!.bind(store);
        const list = async () =>
          (await store.listSenderHolds!()).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
        expect(await list()).toEqual([]);

        const mailbox = {
          key: "mailbox:m1",
          strikes: 1,
          heldAt: at(1),
          until: at(11),
          reason: "421 4.7.0 busy",
        };
        const sender = {
          key: "sender:ana@sender.test",
          strikes: 1,
          heldAt: at(1),
          until: at(11),
          reason: "454 rate",
        };
        await hold([mailbox, sender]);
        expect(await list()).toEqual([mailbox, sender]);

        // A later failure of the same episode with an earlier end (another worker's view) changes
        // nothing but the strikes; one that ends later replaces the end, the time and the reason.
        await hold([{ ...mailbox, strikes: 2, heldAt: at(2), until: at(5), reason: "late" }]);
        expect((await list())[0]).toEqual({ ...mailbox, strikes: 2 });
        await hold([{ ...mailbox, strikes: 1, heldAt: at(12), until: at(32), reason: "451 4.3.0 again" }]);
        expect((await list())[0]).toEqual({
          key: "mailbox:m1",
          strikes: 2,
          heldAt: at(12),
          until: at(32),
          reason: "451 4.3.0 again",
        });

        // A send that went through before the hold was set does not end it; one after does.
        await release(["mailbox:m1", "sender:ana@sender.test"], at(11));
        expect((await list()).map((h) => h.key)).toEqual(["mailbox:m1"]);
        await release(["mailbox:m1"], at(12));
        expect(await list()).toEqual([]);
        await release([], at(40));
        await release(["mailbox:never-held"], at(40));
        expect(await list()).toEqual([]);
      });
    });

    describe("sending", () => {
      async function claimOne() {
        const { campaign } = await seed(1);
        await enrollAll(campaign.id);
        const [claimed] = await claim(campaign.id);
        return { campaign, claimed: claimed! };
      }

      it("records a send before it happens, then advances the lead and moves counters", async () => {
        const { campaign, claimed } = await claimOne();
        const email = emailFor(campaign.id, claimed, { variant: "B" });
        const begun = await store.beginSends([email], at(1));
        expect(begun).toEqual({ begun: [email.id], fenced: [], stale: [] });
        expect((await store.getEmail(email.id))?.status).toBe("sending");
        expect((await store.getCounters(campaign.id)).emailsSent).toBe(1);
        const result = await store.completeSends([
          {
            kind: "sent",
            ...outcomeRefs(email, claimed),
            at: at(1),
            response: "250 OK",
            lead: advanceFixture(1, 3, at(1), at(3000), "B"),
            counters: [],
            event: eventFixture(ids, "sent", at(1), {
              campaignId: campaign.id,
              leadId: claimed.lead.id,
              emailId: email.id,
            }),
          },
        ]);
        expect(result).toEqual({ applied: [claimed.lead.id], fenced: [] });
        expect(await store.getEmail(email.id)).toMatchObject({
          status: "sent",
          sentAt: at(1),
          response: "250 OK",
          direction: "outbound",
        });
        const lead = await store.getLead(claimed.lead.id);
        expect(lead).toMatchObject({
          currentStep: 1,
          status: "active",
          assignedVariant: "B",
          nextEmailAt: at(3000),
          emailsSent: 1,
        });
        const counters = await store.getCounters(campaign.id);
        expect(counters.steps).toEqual([
          expect.objectContaining({ stepNumber: 1, variant: "B", sent: 1, opens: 0 }),
        ]);
        expect(await store.listEvents({ campaignId: campaign.id, limit: 10 })).toHaveLength(1);
        expect(
          await store.claimDueLeads({
            campaignId: campaign.id,
            now: at(2),
            limit: 5,
            leaseToken: "x",
            leaseExpiresAt: at(9),
            quotas: [],
          }),
        ).toHaveLength(0);
      });

      it("creates one record per (lead, step) however often it is attempted", async () => {
        const { campaign, claimed } = await claimOne();
        const make = () => emailFor(campaign.id, claimed);
        const other = handle.another ? await handle.another() : store;
        const results = await Promise.all([
          store.beginSends([make()], at(1)),
          other.beginSends([make()], at(1)),
        ]);
        expect(results.flatMap((r) => r.begun)).toHaveLength(1);
        expect((await store.listEmails({ leadId: claimed.lead.id, limit: 10, offset: 0 })).length).toBe(1);
        expect((await store.getCounters(campaign.id)).emailsSent).toBe(1);
      });

      it("fences writes of a worker whose lease was taken over", async () => {
        const { campaign, claimed } = await claimOne();
        const taken = await claim(campaign.id, { now: at(20), leaseExpiresAt: at(30) });
        expect(taken).toHaveLength(1);
        const email = emailFor(campaign.id, claimed);
        expect(await store.beginSends([email], at(21))).toEqual({
          begun: [],
          fenced: [claimed.lead.id],
          stale: [],
        });
        const outcome = await store.completeSends([
          {
            kind: "sent",
            ...outcomeRefs(email, claimed),
            at: at(21),
            response: null,
            lead: advanceFixture(1, 3, at(21), at(3000)),
            counters: [],
            event: eventFixture(ids, "sent", at(21)),
          },
        ]);
        expect(outcome).toEqual({ applied: [], fenced: [claimed.lead.id] });
        expect((await store.getLead(claimed.lead.id))?.currentStep).toBe(0);
      });

      it("marks an attempt whose worker died as unknown and never begins it again", async () => {
        const { campaign, claimed } = await claimOne();
        const dead = emailFor(campaign.id, claimed);
        await store.beginSends([dead], at(1));
        const [retaken] = await claim(campaign.id, { now: at(20), leaseExpiresAt: at(30) });
        expect(retaken?.lead.id).toBe(claimed.lead.id);
        const retry = emailFor(campaign.id, claimed, { leaseToken: retaken!.leaseToken });
        const result = await store.beginSends([retry], at(20));
        expect(result.begun).toEqual([]);
        expect(result.stale.map((e) => [e.id, e.status])).toEqual([[dead.id, "unknown"]]);
        await store.completeSends([
          {
            kind: "unknown",
            ...outcomeRefs(dead, claimed, retaken!.leaseToken),
            at: at(20),
            response: null,
            lead: advanceFixture(1, 3, at(20), at(3000)),
            counters: [],
            event: eventFixture(ids, "outcome_unknown", at(20)),
          },
        ]);
        const counters = await store.getCounters(campaign.id);
        expect(counters.emailsSent).toBe(1);
        expect(counters.steps[0]).toMatchObject({ sent: 1, unknown: 1 });
        expect((await store.getLead(claimed.lead.id))?.currentStep).toBe(1);
        expect(await store.listEmails({ leadId: claimed.lead.id, limit: 10, offset: 0 })).toHaveLength(1);
      });

      it("records a send whose acknowledgement was lost as unknown, keeping it counted", async () => {
        const { campaign, claimed } = await claimOne();
        const email = emailFor(campaign.id, claimed);
        await store.beginSends([email], at(1));
        await store.completeSends([
          {
            kind: "unknown",
            ...outcomeRefs(email, claimed),
            at: at(1),
            response: "ECONNECTION Connection closed unexpectedly",
            lead: advanceFixture(1, 3, at(1), at(3000)),
            counters: [delta(campaign.id, 1, "A", "unknown")],
            event: eventFixture(ids, "outcome_unknown", at(1)),
          },
        ]);
        expect(await store.getEmail(email.id)).toMatchObject({
          status: "unknown",
          response: "ECONNECTION Connection closed unexpectedly",
        });
        expect((await store.getCounters(campaign.id)).steps[0]).toMatchObject({ sent: 1, unknown: 1 });
        expect(await store.getLead(claimed.lead.id)).toMatchObject({ currentStep: 1, status: "active" });
        expect(await store.audit()).toEqual([]);
      });

      it("deletes a soft-failed attempt and takes its sent counters back", async () => {
        const { campaign, claimed } = await claimOne();
        const email = emailFor(campaign.id, claimed);
        await store.beginSends([email], at(1));
        await store.completeSends([
          {
            kind: "retry",
            ...outcomeRefs(email, claimed),
            at: at(1),
            response: "451 4.7.1 try later",
            lead: {
              ...advanceFixture(0, 3, at(1), at(16)),
              emailsSent: 0,
              lastEmailAt: null,
              assignedVariant: null,
              attempts: 1,
              lastError: "451 4.7.1",
            },
            counters: [],
            event: eventFixture(ids, "send_failed", at(1)),
          },
        ]);
        expect(await store.getEmail(email.id)).toBeNull();
        expect((await store.getCounters(campaign.id)).emailsSent).toBe(0);
        expect(await store.getLead(claimed.lead.id)).toMatchObject({
          status: "active",
          attempts: 1,
          nextEmailAt: at(16),
          currentStep: 0,
        });
        expect(await claim(campaign.id, { now: at(16) })).toHaveLength(1);
      });

      it("gives back the quota of applied attempts that never reached the provider, and only theirs", async () => {
        const { campaign } = await seed(3);
        await enrollAll(campaign.id);
        const key = `campaign:${campaign.id}`;
        const quotas = [{ key, day: "2026-01-05", limit: 3 }];
        const claimed = await claim(campaign.id, { quotas });
        expect(claimed).toHaveLength(3);
        const emails = claimed.map((c) => emailFor(campaign.id, c));
        await store.beginSends(emails, at(1));
        const failed = (i: number, leaseToken?: string, returnQuotas = claimed[i]!.quotas) => ({
          kind: "retry" as const,
          ...outcomeRefs(emails[i]!, claimed[i]!, leaseToken),
          at: at(1),
          response: "ECONNREFUSED connect ECONNREFUSED 127.0.0.1:25",
          lead: {
            ...advanceFixture(0, 3, at(1), at(11)),
            emailsSent: 0,
            lastEmailAt: null,
            assignedVariant: null,
            lastError: "ECONNREFUSED",
          },
          counters: [],
          ...(returnQuotas.length > 0 ? { returnQuotas } : {}),
          event: eventFixture(ids, "send_failed", at(1)),
        });
        // The first never left; the second never left either, but its lease had moved on (fenced: the
        // worker that took it over decides, and keeps the slot); the third was refused by the provider
        // (a sender refusal): its slot stays spent.
        const result = await store.completeSends([
          failed(0),
          failed(1, "another-lease"),
          failed(2, undefined, []),
        ]);
        expect(result.applied.sort()).toEqual([claimed[0]!.lead.id, claimed[2]!.lead.id].sort());
        expect(result.fenced).toEqual([claimed[1]!.lead.id]);
        expect(await store.getQuotaUsage(key, "2026-01-05")).toBe(2);
        expect(await store.getEmail(emails[0]!.id)).toBeNull();
        // Never below zero: three slots given back from two used leave nothing used, not -1.
        const slot = claimed[1]!.quotas[0]!;
        await store.completeSends([failed(1, undefined, [slot, slot, slot])]);
        expect(await store.getQuotaUsage(key, "2026-01-05")).toBe(0);
      });

      it("bounces: the row is kept as bounced, the lead stops and the address is suppressed", async () => {
        const { campaign, claimed } = await claimOne();
        const email = emailFor(campaign.id, claimed);
        await store.beginSends([email], at(1));
        await store.completeSends([
          {
            kind: "bounced",
            ...outcomeRefs(email, claimed),
            at: at(1),
            response: "550 5.1.1 no such user",
            lead: {
              ...advanceFixture(0, 3, at(1), null),
              status: "bounced",
              nextEmailAt: null,
              lastError: "550 5.1.1",
            },
            counters: [delta(campaign.id, 1, "A", "bouncedHard")],
            suppress: { email: claimed.prospect.email!, reason: "hard bounce" },
            event: eventFixture(ids, "bounced", at(1)),
          },
        ]);
        expect(await store.getEmail(email.id)).toMatchObject({
          status: "bounced",
          response: "550 5.1.1 no such user",
        });
        expect(await store.getLead(claimed.lead.id)).toMatchObject({ status: "bounced", nextEmailAt: null });
        expect(await store.findSuppressed([claimed.prospect.email!.toUpperCase()])).toEqual(
          new Set([claimed.prospect.email]),
        );
        const counters = await store.getCounters(campaign.id);
        expect(counters).toMatchObject({ emailsSent: 1, activeLeads: 0, leadsCount: 1 });
        expect(counters.steps[0]).toMatchObject({ sent: 1, bouncedHard: 1 });
      });

      it("keeps a reply that arrived mid-send: the step is recorded, the lead stays replied", async () => {
        const { campaign, claimed } = await claimOne();
        const email = emailFor(campaign.id, claimed);
        await store.beginSends([email], at(1));
        const before = await store.getLead(claimed.lead.id);
        const change = await store.applyLeadChanges([
          {
            leadId: claimed.lead.id,
            expectedVersion: before!.version,
            set: { status: "replied", nextEmailAt: null, hasReplied: true, repliedAt: at(1) },
            counters: [],
            event: eventFixture(ids, "replied", at(1)),
          },
        ]);
        expect(change.applied).toEqual([claimed.lead.id]);
        await store.completeSends([
          {
            kind: "sent",
            ...outcomeRefs(email, claimed),
            at: at(2),
            response: "250 OK",
            lead: advanceFixture(1, 3, at(2), at(3000)),
            counters: [],
            event: eventFixture(ids, "sent", at(2)),
          },
        ]);
        expect(await store.getLead(claimed.lead.id)).toMatchObject({
          status: "replied",
          nextEmailAt: null,
          currentStep: 1,
          emailsSent: 1,
        });
        expect(await store.getCounters(campaign.id)).toMatchObject({
          activeLeads: 0,
          completedLeads: 0,
          leadsCount: 1,
        });
      });

      it("recovers a send abandoned by a dead worker after its lead replied: unknown, step recorded, lease cleared", async () => {
        const { campaign, claimed } = await claimOne();
        const email = emailFor(campaign.id, claimed);
        await store.beginSends([email], at(1));
        const lead = await store.getLead(claimed.lead.id);
        await store.applyLeadChanges([
          {
            leadId: claimed.lead.id,
            expectedVersion: lead!.version,
            set: { status: "replied", nextEmailAt: null, hasReplied: true, repliedAt: at(2) },
            counters: [],
            event: eventFixture(ids, "replied", at(2)),
          },
        ]);
        // The worker dies here: no completeSends. Its lease runs until at(11).
        expect(await store.recoverAbandonedSends(at(5), 10)).toEqual([]);
        const recovered = await store.recoverAbandonedSends(at(12), 10);
        expect(recovered.map((e) => [e.id, e.status])).toEqual([[email.id, "unknown"]]);
        expect(await store.recoverAbandonedSends(at(13), 10)).toEqual([]);
        expect(await store.getLead(claimed.lead.id)).toMatchObject({
          status: "replied",
          currentStep: 1,
          emailsSent: 1,
          nextEmailAt: null,
        });
        expect((await store.getCounters(campaign.id)).steps[0]).toMatchObject({ sent: 1, unknown: 1 });
        expect(await store.audit()).toEqual([]);
      });

      it("completes the lead after its last step and counts it as completed", async () => {
        const { campaign, claimed } = await claimOne();
        const email = emailFor(campaign.id, claimed);
        await store.beginSends([email], at(1));
        await store.completeSends([
          {
            kind: "sent",
            ...outcomeRefs(email, claimed),
            at: at(1),
            response: null,
            lead: advanceFixture(1, 1, at(1), null),
            counters: [],
            event: eventFixture(ids, "completed", at(1)),
          },
        ]);
        expect(await store.getCounters(campaign.id)).toMatchObject({ activeLeads: 0, completedLeads: 1 });
      });
    });

    describe("lead changes and engagement", () => {
      async function sentEmail() {
        const { campaign } = await seed(1);
        await enrollAll(campaign.id);
        const [claimed] = await claim(campaign.id);
        const email = emailFor(campaign.id, claimed!);
        await store.beginSends([email], at(1));
        await store.completeSends([
          {
            kind: "sent",
            ...outcomeRefs(email, claimed!),
            at: at(1),
            response: null,
            lead: advanceFixture(1, 3, at(1), at(3000)),
            counters: [],
            event: eventFixture(ids, "sent", at(1)),
          },
        ]);
        return { campaign, email, leadId: claimed!.lead.id };
      }

      /** `count` leads of one campaign, each sent its step 1 (with two links) in one batch. */
      async function sentEmails(count: number, campaignOverrides = {}) {
        const { campaign } = await seed(count, campaignOverrides);
        await enrollAll(campaign.id);
        const claimed = await claim(campaign.id);
        const emails = claimed.map((c) => ({
          ...emailFor(campaign.id, c),
          links: ["https://hotel.example/a", "https://hotel.example/b"],
        }));
        await store.beginSends(emails, at(1));
        await store.completeSends(
          emails.map((email, i) => ({
            kind: "sent" as const,
            ...outcomeRefs(email, claimed[i]!),
            at: at(1),
            response: null,
            lead: advanceFixture(1, 3, at(1), at(3000)),
            counters: [],
            event: eventFixture(ids, "sent", at(1)),
          })),
        );
        return { campaign, emails, claimed };
      }

      const engagement = (
        emailId: string,
        kind: "open" | "click",
        minute: number,
        machine = false,
      ): EngagementWrite => ({
        kind,
        emailId,
        eventId: ids.id(),
        at: at(minute),
        day: "2026-01-05",
        machine,
        ...(kind === "click" ? { url: "https://hotel.example/a" } : {}),
        userAgent: "Thunderbird",
        ip: null,
      });

      it("looks up what tracking needs of outbound emails, with the campaign's time zone, in one call", async () => {
        const { campaign, emails, claimed } = await sentEmails(2, { timezone: "Europe/Lisbon" });
        const inboundId = ids.id();
        await store.saveInboundEmail({
          ...(await store.getEmail(emails[0]!.id))!,
          id: inboundId,
          direction: "inbound",
          status: "received",
          messageId: `<${inboundId}@gmail.test>`,
          stepNumber: null,
          variant: null,
          idempotencyKey: null,
          counterDay: null,
        });
        const targets = await store.getTrackingTargets([emails[1]!.id, ids.id(), inboundId, emails[0]!.id]);
        expect(targets.sort((a, b) => (a.id < b.id ? -1 : 1))).toEqual(
          emails
            .map((email, i) => ({
              id: email.id,
              campaignId: campaign.id,
              leadId: claimed[i]!.lead.id,
              links: ["https://hotel.example/a", "https://hotel.example/b"],
              toEmail: "to@example.com",
              sentAt: at(1),
              createdAt: at(1),
              timezone: "Europe/Lisbon",
            }))
            .sort((a, b) => (a.id < b.id ? -1 : 1)),
        );
        expect(await store.getTrackingTargets([])).toEqual([]);
        expect(await store.getTrackingTargets(["not-an-id"])).toEqual([]);
      });

      it("takes a batch's first engagement of each email as its first, in order", async () => {
        const { campaign, emails, claimed } = await sentEmails(3);
        const [a, b, c] = emails.map((e) => e.id) as [string, string, string];
        const missing = ids.id();
        const batch = [
          engagement(a, "open", 10),
          engagement(a, "open", 11),
          engagement(b, "open", 12, true),
          engagement(a, "click", 13),
          engagement(missing, "open", 14),
          engagement(b, "click", 15),
          engagement(b, "open", 16, true),
          engagement(c, "click", 17),
          engagement(c, "click", 18),
        ];
        const results = await store.recordEngagements(batch);
        expect(results.map((r) => [r.emailId, r.found, r.firstHuman, r.firstMachine])).toEqual([
          [a, true, true, false],
          [a, true, false, false],
          [b, true, false, true],
          [a, true, true, false],
          [missing, false, false, false],
          [b, true, true, false],
          [b, true, false, false],
          [c, true, true, false],
          [c, true, false, false],
        ]);
        expect(await store.getEmail(a)).toMatchObject({
          status: "opened",
          openedAt: at(10),
          clickedAt: at(13),
        });
        expect(await store.getEmail(b)).toMatchObject({
          openedAt: at(15),
          clickedAt: at(15),
          machineOpenedAt: at(12),
        });
        expect(await store.getEmail(c)).toMatchObject({ openedAt: at(17), clickedAt: at(17) });
        const counters = await store.getCounters(campaign.id);
        expect(counters.emailsOpened).toBe(3);
        const steps = counters.steps[0]!;
        expect([steps.opens, steps.clicks, steps.machineOpens]).toEqual([3, 3, 1]);
        for (const c of claimed) expect((await store.getLead(c.lead.id))?.emailsOpened).toBe(1);
        const events = await store.listEvents({
          campaignId: campaign.id,
          kinds: ["opened", "clicked"],
          limit: 50,
        });
        expect(events.map((e) => e.id).sort()).toEqual(
          batch
            .filter((e) => e.emailId !== missing)
            .map((e) => e.eventId)
            .sort(),
        );

        // A batch that repeats engagements already counted moves nothing but the log.
        const repeats = [engagement(a, "open", 20), engagement(b, "click", 21), engagement(a, "click", 22)];
        expect(await store.recordEngagements(repeats)).toEqual(
          repeats.map((e) => ({ emailId: e.emailId, found: true, firstHuman: false, firstMachine: false })),
        );
        expect(await store.getCounters(campaign.id)).toEqual(counters);
        expect(
          await store.listEvents({ campaignId: campaign.id, kinds: ["opened", "clicked"], limit: 50 }),
        ).toHaveLength(events.length + 3);
        expect(await store.audit()).toEqual([]);
      });

      it("counts each email's first open once when batches of the same emails race", async () => {
        const { campaign, emails, claimed } = await sentEmails(5);
        const stores = [store, handle.another ? await handle.another() : store];
        // Six batches, each opening all five emails in its own order, from two stores at once.
        const batches = Array.from({ length: 6 }, (_, i) =>
          stores[i % 2]!.recordEngagements(
            emails.map((_, j) => engagement(emails[(i + j * (i + 1)) % emails.length]!.id, "open", 10 + i)),
          ),
        );
        const results = (await Promise.all(batches)).flat();
        for (const email of emails) {
          expect(results.filter((r) => r.emailId === email.id && r.firstHuman)).toHaveLength(1);
        }
        const counters = await store.getCounters(campaign.id);
        expect(counters.emailsOpened).toBe(emails.length);
        expect(counters.steps[0]?.opens).toBe(emails.length);
        for (const c of claimed) expect((await store.getLead(c.lead.id))?.emailsOpened).toBe(1);
        expect(
          await store.listEvents({ campaignId: campaign.id, kinds: ["opened"], limit: 100 }),
        ).toHaveLength(30);
        expect(await store.audit()).toEqual([]);
      });

      it("fences lead changes on version", async () => {
        const { leadId } = await sentEmail();
        const lead = await store.getLead(leadId);
        const pause = {
          leadId,
          expectedVersion: lead!.version,
          set: { status: "paused" as const, nextEmailAt: null },
          counters: [],
          event: eventFixture(ids, "paused", at(2)),
        };
        expect(await store.applyLeadChanges([pause])).toEqual({ applied: [leadId], conflicts: [] });
        expect(
          await store.applyLeadChanges([{ ...pause, event: eventFixture(ids, "paused", at(2)) }]),
        ).toEqual({
          applied: [],
          conflicts: [leadId],
        });
        expect((await store.getLead(leadId))?.version).toBe(lead!.version + 1);
      });

      it("puts a failed lead back into its sequence, attempts and all, and moves the lead counts", async () => {
        const { campaign } = await seed(1);
        await enrollAll(campaign.id);
        const [claimed] = await claim(campaign.id);
        const leadId = claimed!.lead.id;
        const email = emailFor(campaign.id, claimed!);
        await store.beginSends([email], at(1));
        await store.completeSends([
          {
            kind: "retry",
            ...outcomeRefs(email, claimed!),
            at: at(1),
            response: "452 4.2.2 mailbox full",
            lead: {
              ...advanceFixture(0, 3, at(1), null),
              status: "failed",
              emailsSent: 0,
              lastEmailAt: null,
              assignedVariant: null,
              attempts: 5,
              lastError: "4.2.2 452 4.2.2 mailbox full",
            },
            counters: [],
            event: eventFixture(ids, "failed", at(1)),
          },
        ]);
        const failed = await store.getLead(leadId);
        expect(failed).toMatchObject({ status: "failed", attempts: 5, nextEmailAt: null });
        expect((await store.getCounters(campaign.id)).leadsByStatus.failed).toBe(1);
        const retry = {
          leadId,
          expectedVersion: failed!.version,
          set: { status: "active" as const, nextEmailAt: at(60), attempts: 0 },
          counters: [],
          event: eventFixture(ids, "retried", at(2)),
        };
        expect(await store.applyLeadChanges([retry])).toEqual({ applied: [leadId], conflicts: [] });
        expect(await store.getLead(leadId)).toMatchObject({
          status: "active",
          attempts: 0,
          nextEmailAt: at(60),
          lastError: "4.2.2 452 4.2.2 mailbox full",
          version: failed!.version + 1,
        });
        const counts = (await store.getCounters(campaign.id)).leadsByStatus;
        expect([counts.failed, counts.active]).toEqual([0, 1]);
        expect(await store.applyLeadChanges([retry])).toEqual({ applied: [], conflicts: [leadId] });
        expect(await claim(campaign.id, { now: at(60), leaseExpiresAt: at(70) })).toHaveLength(1);
        expect(await store.audit()).toEqual([]);
      });

      it("counts an email's first human open once, however many opens race", async () => {
        const { campaign, email, leadId } = await sentEmail();
        const other = handle.another ? await handle.another() : store;
        const opens = Array.from({ length: 8 }, (_, i) =>
          (i % 2 ? other : store).recordEngagements([
            {
              kind: "open",
              emailId: email.id,
              eventId: ids.id(),
              at: at(10 + i),
              day: "2026-01-05",
              machine: false,
            },
          ]),
        );
        const results = (await Promise.all(opens)).flat();
        expect(results.filter((r) => r.firstHuman)).toHaveLength(1);
        const counters = await store.getCounters(campaign.id);
        expect(counters.emailsOpened).toBe(1);
        expect(counters.steps[0]).toMatchObject({ opens: 1, machineOpens: 0 });
        expect((await store.getLead(leadId))?.emailsOpened).toBe(1);
        expect((await store.getEmail(email.id))?.openedAt).toBeInstanceOf(Date);
      });

      it("keeps machine opens apart and counts a click as an open", async () => {
        const { campaign, email } = await sentEmail();
        const [machine] = await store.recordEngagements([
          { kind: "open", emailId: email.id, eventId: ids.id(), at: at(1), day: "2026-01-05", machine: true },
        ]);
        expect(machine).toMatchObject({ found: true, firstMachine: true, firstHuman: false });
        expect((await store.getCounters(campaign.id)).steps[0]).toMatchObject({ opens: 0, machineOpens: 1 });
        const [click] = await store.recordEngagements([
          {
            kind: "click",
            emailId: email.id,
            eventId: ids.id(),
            at: at(30),
            day: "2026-01-06",
            machine: false,
            url: "https://example.com",
          },
        ]);
        expect(click?.firstHuman).toBe(true);
        expect((await store.getCounters(campaign.id)).steps[0]).toMatchObject({
          opens: 1,
          clicks: 1,
          machineOpens: 1,
        });
        const [again] = await store.recordEngagements([
          {
            kind: "click",
            emailId: email.id,
            eventId: ids.id(),
            at: at(31),
            day: "2026-01-06",
            machine: false,
            url: "https://example.com",
          },
        ]);
        expect(again?.firstHuman).toBe(false);
        const days = await store.getDailyActivity(campaign.id, {
          fromDay: "2026-01-01",
          toDay: "2026-01-31",
        });
        expect(days.map((d) => [d.day, d.sent, d.opens, d.clicks])).toEqual([
          ["2026-01-05", 1, 0, 0],
          ["2026-01-06", 0, 1, 1],
        ]);
        expect(
          await store.recordEngagements([
            {
              kind: "open",
              emailId: ids.id(),
              eventId: ids.id(),
              at: at(1),
              day: "2026-01-05",
              machine: false,
            },
          ]),
        ).toEqual([{ emailId: expect.any(String), found: false, firstHuman: false, firstMachine: false }]);
      });

      it("stamps replied and bounced once, finds emails by Message-ID and keeps inbound mail", async () => {
        const { email } = await sentEmail();
        expect(await store.markEmail(email.id, "replied", at(5))).toBe(true);
        expect(await store.markEmail(email.id, "replied", at(6))).toBe(false);
        expect((await store.getEmail(email.id))?.repliedAt).toEqual(at(5));
        const found = await store.findEmailsByMessageId([email.messageId, "<nope@x>"]);
        expect(found.map((e) => e.id)).toEqual([email.id]);
        const inboundId = ids.id();
        await store.saveInboundEmail({
          ...(await store.getEmail(email.id))!,
          id: inboundId,
          direction: "inbound",
          status: "received",
          messageId: `<${inboundId}@gmail.test>`,
          inReplyTo: email.messageId,
          stepNumber: null,
          variant: null,
          idempotencyKey: null,
          counterDay: null,
        });
        expect((await store.getEmail(inboundId))?.direction).toBe("inbound");
        expect(await store.findEmailsByMessageId([`<${inboundId}@gmail.test>`])).toEqual([]);
      });

      it("stamps a complaint once, apart from the reply and bounce stamps, and only on outbound emails", async () => {
        const { email } = await sentEmail();
        expect(await store.markEmail(email.id, "complained", at(5))).toBe(true);
        expect(await store.markEmail(email.id, "complained", at(6))).toBe(false);
        expect(await store.getEmail(email.id)).toMatchObject({
          status: "sent",
          complainedAt: at(5),
          bouncedAt: null,
          repliedAt: null,
        });
        // A bounce is stamped once whatever its type: the stamp is what counts an email once.
        expect(await store.markEmail(email.id, "bounced", at(7))).toBe(true);
        expect(await store.markEmail(email.id, "bounced", at(8))).toBe(false);
        expect(await store.getEmail(email.id)).toMatchObject({ status: "bounced", complainedAt: at(5) });
        expect(await store.markEmail(ids.id(), "complained", at(5))).toBe(false);
      });

      it("stores an inbound message once per Message-ID, even when two deliveries race", async () => {
        const { email } = await sentEmail();
        const record = (await store.getEmail(email.id))!;
        const reply = (id: string, messageId: string) => ({
          ...record,
          id,
          direction: "inbound" as const,
          status: "received" as const,
          messageId,
          inReplyTo: email.messageId,
          stepNumber: null,
          variant: null,
          idempotencyKey: null,
          counterDay: null,
        });
        const [a, b] = [ids.id(), ids.id()];
        const saved = await Promise.all([
          store.saveInboundEmail(reply(a, "<twice@gmail.test>")),
          store.saveInboundEmail(reply(b, "<twice@gmail.test>")),
        ]);
        expect(saved.sort()).toEqual([false, true]);
        expect(await store.saveInboundEmail(reply(ids.id(), "<twice@gmail.test>"))).toBe(false);
        // The outbound email's own Message-ID is no inbound one.
        const echo = ids.id();
        expect(await store.saveInboundEmail(reply(echo, email.messageId))).toBe(true);
        const inbound = (await store.listEmails({ leadId: email.leadId, limit: 10, offset: 0 })).filter(
          (e) => e.direction === "inbound",
        );
        expect(inbound.map((e) => e.messageId).sort()).toEqual(
          [email.messageId, "<twice@gmail.test>"].sort(),
        );
      });

      it("finds the newest outbound email to each address since a time, and no other", async () => {
        const { campaign } = await seed(3);
        await enrollAll(campaign.id);
        const claimed = await claim(campaign.id);
        const to = (c: ClaimedLead) => ({ toEmail: c.prospect.email! });
        const first = claimed.map((c) => ({ ...emailFor(campaign.id, c), ...to(c) }));
        await store.beginSends(first, at(1));
        const second = { ...emailFor(campaign.id, claimed[0]!, { stepNumber: 2 }), ...to(claimed[0]!) };
        expect((await store.beginSends([second], at(5))).begun).toEqual([second.id]);
        const address = (i: number) => claimed[i]!.prospect.email!;
        const found = await store.findLastEmailsTo([address(0), address(1), "nobody@example.com"], at(0));
        expect(found.map((e) => [e.toEmail, e.id]).sort()).toEqual(
          [
            [address(0), second.id],
            [address(1), first[1]!.id],
          ].sort(),
        );
        expect((await store.findLastEmailsTo([address(1)], at(2))).map((e) => e.id)).toEqual([]);
        expect((await store.findLastEmailsTo([address(0)], at(5))).map((e) => e.id)).toEqual([second.id]);
        expect(await store.findLastEmailsTo([], at(0))).toEqual([]);
      });

      it("counts complaints per step, variant and day like every counter", async () => {
        const { campaign, email, leadId } = await sentEmail();
        const lead = await store.getLead(leadId);
        await store.applyLeadChanges([
          {
            leadId,
            expectedVersion: lead!.version,
            set: {},
            counters: [delta(campaign.id, 1, "A", "complaints")],
            suppress: { email: email.toEmail, reason: "spam complaint" },
            event: eventFixture(ids, "complained", at(5)),
          },
        ]);
        const counters = await store.getCounters(campaign.id);
        expect(counters.steps).toMatchObject([{ stepNumber: 1, variant: "A", complaints: 1 }]);
        const days = await store.getDailyActivity(campaign.id, {
          fromDay: "2026-01-01",
          toDay: "2026-01-31",
        });
        expect(days.reduce((n, d) => n + d.complaints, 0)).toBe(1);
        expect(await store.findSuppressed([email.toEmail])).toEqual(new Set([email.toEmail]));
        expect(await store.audit()).toEqual([]);
      });

      it("keeps the Message-ID a provider gave a sent email and finds the email by either id", async () => {
        const { campaign } = await seed(3);
        await enrollAll(campaign.id);
        const claimed = await claim(campaign.id);
        const emails = claimed.map((c) => emailFor(campaign.id, c));
        await store.beginSends(emails, at(1));
        expect((await store.getEmail(emails[0]!.id))?.providerMessageId).toBeNull();
        const renamed = `<0100018c-${ids.token()}-000000@email.amazonses.com>`;
        const sent = (i: number, providerMessageId?: string): SendOutcomeWrite => ({
          kind: "sent",
          ...outcomeRefs(emails[i]!, claimed[i]!),
          at: at(1),
          response: "250 Ok",
          ...(providerMessageId ? { providerMessageId } : {}),
          lead: advanceFixture(1, 3, at(1), at(3000)),
          counters: [],
          event: eventFixture(ids, "sent", at(1)),
        });
        // One renamed among plain ones, and a later batch without any: neither clears it.
        await store.completeSends([sent(0, renamed), sent(1)]);
        await store.completeSends([sent(2)]);
        const [first, second, third] = await Promise.all(emails.map((e) => store.getEmail(e.id)));
        expect(first).toMatchObject({ messageId: emails[0]!.messageId, providerMessageId: renamed });
        expect(second?.providerMessageId).toBeNull();
        expect(third?.providerMessageId).toBeNull();
        expect((await store.findEmailsByMessageId([renamed])).map((e) => e.id)).toEqual([emails[0]!.id]);
        const both = await store.findEmailsByMessageId([emails[0]!.messageId, renamed, emails[1]!.messageId]);
        expect(both.map((e) => e.id).sort()).toEqual([emails[0]!.id, emails[1]!.id].sort());
        expect(await store.findEmailsByMessageId(["<0100018c-nope@email.amazonses.com>"])).toEqual([]);
      });

      it("resumes paused leads whose pause has run out", async () => {
        const { leadId } = await sentEmail();
        const lead = await store.getLead(leadId);
        await store.applyLeadChanges([
          {
            leadId,
            expectedVersion: lead!.version,
            set: { status: "paused", nextEmailAt: null, pausedUntil: at(100) },
            counters: [],
            event: eventFixture(ids, "paused", at(2)),
          },
        ]);
        expect(await store.findLeadsToResume(at(99), 10)).toEqual([]);
        expect((await store.findLeadsToResume(at(100), 10)).map((l) => l.id)).toEqual([leadId]);
      });
    });

    describe("a simulated campaign", () => {
      it("sends inside the window and the limit, stops on every signal, and keeps counters true", async () => {
        await simulateCampaign(store);
      }, 180_000);
    });

    describe("suppression, events and metrics", () => {
      it("suppresses addresses case-insensitively and keeps the first reason", async () => {
        await store.suppress([
          { email: "Someone@Example.com", reason: "unsubscribed", campaignId: null, createdAt: T0 },
          { email: "someone@example.com", reason: "bounced", campaignId: null, createdAt: at(1) },
        ]);
        expect(await store.findSuppressed(["SOMEONE@example.com", "other@example.com"])).toEqual(
          new Set(["someone@example.com"]),
        );
        expect(await store.listSuppressions({ limit: 10, offset: 0 })).toEqual([
          { email: "someone@example.com", reason: "unsubscribed", campaignId: null, createdAt: T0 },
        ]);
      });

      it("lists events oldest first, narrows by kind and pages after an id", async () => {
        const { campaign } = await seed(0);
        const events = [0, 1, 2, 3].map((i) =>
          eventFixture(ids, i % 2 ? "opened" : "sent", at(i), { campaignId: campaign.id, data: { i } }),
        );
        await store.appendEvents(events);
        const all = await store.listEvents({ campaignId: campaign.id, limit: 10 });
        expect(all.map((e) => e.data.i)).toEqual([0, 1, 2, 3]);
        expect(
          (await store.listEvents({ campaignId: campaign.id, kinds: ["opened"], limit: 10 })).map(
            (e) => e.data.i,
          ),
        ).toEqual([1, 3]);
        expect(
          (await store.listEvents({ campaignId: campaign.id, limit: 2, after: events[1]!.id })).map(
            (e) => e.data.i,
          ),
        ).toEqual([2, 3]);
      });

      it("reports every counter as zero for a new campaign", async () => {
        const { campaign } = await seed(0);
        const counters = await store.getCounters(campaign.id);
        expect(counters).toMatchObject({
          emailsSent: 0,
          emailsOpened: 0,
          repliesReceived: 0,
          leadsCount: 0,
          steps: [],
        });
        expect(Object.values(counters.leadsByStatus).every((n) => n === 0)).toBe(true);
      });

      it("passes its own integrity audit after a workload", async () => {
        const { campaign } = await seed(3);
        await enrollAll(campaign.id);
        const claimed = await claim(campaign.id);
        const emails = claimed.map((c) => emailFor(campaign.id, c));
        await store.beginSends(emails, at(1));
        await store.completeSends(
          claimed.map((c, i) => ({
            kind: i === 0 ? ("bounced" as const) : ("sent" as const),
            ...outcomeRefs(emails[i]!, c),
            at: at(1),
            response: null,
            lead:
              i === 0
                ? { ...advanceFixture(0, 3, at(1), null), status: "bounced" as const }
                : advanceFixture(1, 3, at(1), at(3000)),
            counters: i === 0 ? [delta(campaign.id, 1, "A", "bouncedHard")] : [],
            event: eventFixture(ids, "sent", at(1)),
          })),
        );
        await store.recordEngagements([
          {
            kind: "open",
            emailId: emails[1]!.id,
            eventId: ids.id(),
            at: at(2),
            day: "2026-01-05",
            machine: false,
          },
        ]);
        expect(await store.audit()).toEqual([]);
      });

      it("deletes a campaign with its leads", async () => {
        const { campaign } = await seed(2);
        const { leadIds } = await enrollAll(campaign.id);
        await store.deleteCampaign(campaign.id);
        expect(await store.getCampaign(campaign.id)).toBeNull();
        expect(await store.getLead(leadIds[0]!)).toBeNull();
      });
    });
  });
}
