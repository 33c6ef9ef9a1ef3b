import { describe, expect, it } from "vitest";
import { campaignFixture, prospectsFixture } from "../fixtures.js";
import { sequentialIds } from "../seeded.js";
import { memoryStore } from "./memory-store.js";

describe("the in-memory audit", () => {
  it("finds a lead count that drifted, a finished lead with a next send, and a step past the end", async () => {
    const ids = sequentialIds(1);
    const store = memoryStore();
    const campaign = await store.createCampaign(campaignFixture(ids));
    await store.upsertProspects(prospectsFixture(ids, 2), new Date("2026-01-05T10:00:00Z"));
    const { leadIds } = await store.enrollProspects({
      campaignId: campaign.id,
      filter: { archived: false, tagsMatch: "all" },
      rules: {},
      variant: null,
      mailboxIds: [],
      addedBy: "manual",
      firstEmailAt: new Date("2026-01-05T10:00:00Z"),
      now: new Date("2026-01-05T10:00:00Z"),
      newId: () => ids.id(),
    });
    expect(await store.audit()).toEqual([]);
    store.tables.totalsOf(campaign.id).leadsCount += 1;
    const [a, b] = leadIds.map((id) => store.tables.leads.get(id)!);
    a!.status = "completed";
    b!.currentStep = 9;
    const findings = await store.audit();
    expect(findings.map((f) => f.check)).toEqual([
      "invalid_lead_counts",
      "invalid_next_email_at",
      "step_past_end",
    ]);
    expect(findings[0]?.rows).toEqual([{ id: campaign.id, leads_count: 3, actual: 2 }]);
  });
});
