import { randomUUID } from "node:crypto";
import type { EnrollRequest } from "@cadenza/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { newCampaign, prospects, T0 } from "./fixtures.js";
import type { SqlStoreHarness, SqlStoreSuiteOptions } from "./sql-store-harness.js";

/** Prospects and enrollment: upserts by email, filters, previews that match enrolls. */
export function audienceSuite(options: SqlStoreSuiteOptions): void {
  describe("prospects and enrollment", () => {
    let h: SqlStoreHarness;
    beforeEach(async () => {
      h = await options.createHarness();
    });
    afterEach(() => h.cleanup());

    it("upserts by lower-case email, keeping the first id", async () => {
      const [p] = prospects(1);
      const first = await h.store.upsertProspects([p!], T0);
      const second = await h.store.upsertProspects(
        [{ ...p!, id: randomUUID(), email: p!.email.toUpperCase(), score: 99 }],
        T0,
      );
      expect(second).toEqual([{ id: first[0]!.id, email: p!.email, created: false }]);
      const [stored] = await h.store.getProspects([first[0]!.id]);
      expect(stored).toMatchObject({ score: 99, tags: p!.tags, attributes: p!.attributes, archived: false });
    });

    it("filters by tier, tags, search (literally) and score", async () => {
      await h.store.upsertProspects(prospects(12), T0);
      const page = { limit: 50, offset: 0 };
      const all = await h.store.findProspects({ tagsMatch: "all", archived: false }, page);
      expect(all.total).toBe(12);
      expect(all.rows.map((r) => r.score)).toEqual([12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
      const coastal = await h.store.findProspects(
        { tags: ["coastal", "boutique"], tagsMatch: "all", archived: false },
        page,
      );
      expect(coastal.total).toBe(6);
      const any = await h.store.findProspects(
        { tags: ["coastal", "nope"], tagsMatch: "any", archived: false },
        page,
      );
      expect(any.total).toBe(6);
      const hot = await h.store.findProspects(
        { tier: ["hot"], minScore: 5, tagsMatch: "all", archived: false },
        page,
      );
      expect(hot.rows.map((r) => r.tier)).toEqual(["hot", "hot", "hot"]);
      const search = await h.store.findProspects(
        { search: "HOTEL 1", tagsMatch: "all", archived: false },
        page,
      );
      expect(search.rows.map((r) => r.company).sort()).toEqual([
        "Hotel 1",
        "Hotel 10",
        "Hotel 11",
        "Hotel 12",
      ]);
      const wildcard = await h.store.findProspects({ search: "%", tagsMatch: "all", archived: false }, page);
      expect(wildcard.total).toBe(0);
      // Case-insensitive beyond ASCII, whatever the database's locale; never across two fields.
      const [accented] = prospects(1, "elodie");
      await h.store.upsertProspects(
        [{ ...accented!, firstName: "ÉLODIE", lastName: "Ørsted", city: "Zürich" }],
        T0,
      );
      const find = (search: string) =>
        h.store.findProspects({ search, tagsMatch: "all", archived: false }, page);
      expect((await find("élodie ørsted")).total).toBe(1);
      expect((await find("ZÜRICH")).total).toBe(1);
      expect((await find("ørsted hotel")).total).toBe(0);
    });

    it("previews exactly what an enroll adds and skips", async () => {
      const campaign = newCampaign();
      await h.store.createCampaign(campaign);
      const other = newCampaign();
      await h.store.createCampaign(other);
      const people = await h.store.upsertProspects(prospects(10), T0);
      const ids = people.map((p) => p.id);
      await h.store.suppress([
        { email: people[0]!.email, reason: "unsubscribed", campaignId: null, createdAt: T0 },
      ]);
      const request = (campaignId: string, list: string[]): EnrollRequest => ({
        campaignId,
        filter: { ids: list, tagsMatch: "all", archived: false },
        rules: { excludeActiveInOtherCampaigns: true },
        variant: null,
        mailboxIds: [],
        addedBy: "manual",
        firstEmailAt: T0,
        now: T0,
        newId: randomUUID,
      });
      await h.store.enrollProspects(request(other.id, ids.slice(8)));
      await h.store.enrollProspects(request(campaign.id, ids.slice(1, 3)));
      const preview = await h.store.previewAudience({
        campaignId: campaign.id,
        filter: { ids, tagsMatch: "all", archived: false },
        rules: { excludeActiveInOtherCampaigns: true },
        now: T0,
        sampleSize: 3,
      });
      expect(preview).toMatchObject({
        matching: 10,
        withValidEmail: 10,
        notSuppressed: 9,
        notInCampaign: 7,
        notActiveElsewhere: 5,
        notRecentlyContacted: 5,
        enrollable: 5,
      });
      expect(preview.sample.map((p) => p.id)).toEqual(ids.slice(3, 6));
      const missing = randomUUID();
      const result = await h.store.enrollProspects(request(campaign.id, [...ids, missing]));
      expect(result.added).toBe(preview.enrollable);
      expect(result.leadIds).toHaveLength(5);
      expect(result.reasons).toEqual({
        suppressed: 1,
        already_enrolled: 2,
        active_in_other_campaign: 2,
        not_found: 1,
      });
      expect(result.skipped).toBe(6);
      const counters = await h.store.getCounters(campaign.id);
      expect(counters).toMatchObject({ leadsCount: 7, activeLeads: 7 });
      expect(await h.store.audit()).toEqual([]);
    });
  });
}
