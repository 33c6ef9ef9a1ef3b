import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { seedCampaign } from "./fixtures.js";
import type { SqlStoreHarness, SqlStoreSuiteOptions } from "./sql-store-harness.js";

/** The audit finds what is wrong, by the same check names as the reference store. */
export function auditSuite(options: SqlStoreSuiteOptions): void {
  describe("audit", () => {
    let h: SqlStoreHarness;
    beforeEach(async () => {
      h = await options.createHarness();
    });
    afterEach(() => h.cleanup());

    it("names a drifted lead count, finished leads with a next send and a step past the end", async () => {
      const { campaign, leadIds } = await seedCampaign(h.store, { leads: 3, steps: 2 });
      expect(await h.store.audit()).toEqual([]);
      const [a, b, c] = leadIds as [string, string, string];
      await h.execute(`UPDATE campaigns SET leads_count = leads_count + 1 WHERE id = '${campaign.id}'`);
      await h.execute(`UPDATE campaign_leads SET status = 'completed', lease_token = 'x' WHERE id = '${a}'`);
      await h.execute(`UPDATE campaign_leads SET current_step = 9 WHERE id = '${b}'`);
      await h.execute(`UPDATE campaign_leads SET status = 'failed' WHERE id = '${c}'`);
      const findings = await h.store.audit();
      expect(findings.map((f) => f.check)).toEqual([
        "invalid_lead_counts",
        "invalid_next_email_at",
        "step_past_end",
        "stopped_lead_with_next_send",
        "lead_count_columns_differ",
        "lease_on_finished_lead",
      ]);
      expect(findings[0]?.rows).toEqual([{ id: campaign.id, leads_count: 4, actual: 3 }]);
      expect(findings[2]?.rows).toEqual([{ id: b, current_step: 9, sequence_count: 2 }]);
    });

    it("names counters that differ from the email records", async () => {
      const { campaign } = await seedCampaign(h.store, { leads: 1 });
      await h.execute(
        `INSERT INTO step_variant_counters (campaign_id, step_number, variant, sent) VALUES ('${campaign.id}', 1, 'A', 2)`,
      );
      const checks = (await h.store.audit()).map((f) => f.check);
      expect(checks).toEqual(["counters_differ_from_emails", "audit_columns_differ_from_counters"]);
    });
  });
}
