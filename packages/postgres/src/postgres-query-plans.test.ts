import type { SqlStore } from "@cadenza/sql";
import { newEmail, outcome, seedCampaign, T0 } from "@cadenza/sql/testing";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { postgresStore } from "./postgres-store.js";
import {
  describeUnreachable,
  dropSchema,
  postgresReachable,
  quoteIdent,
  recordStatements,
  type SentStatement,
  TEST_DATABASE_URL,
  testSchemaName,
} from "./postgres-test-database.js";

interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  "Subplan Name"?: string;
  "Actual Rows"?: number;
  Plans?: PlanNode[];
}

/** The scans of `relation` in a plan (or one of its subplans), as `Node Type` and index. */
function scansOf(node: PlanNode, relation: string): string[] {
  const own =
    node["Relation Name"] === relation && /Scan/.test(node["Node Type"])
      ? [`${node["Node Type"]}${node["Index Name"] ? ` using ${node["Index Name"]}` : ""}`]
      : [];
  return [...own, ...(node.Plans ?? []).flatMap((child) => scansOf(child, relation))];
}

/** The rows the scans of `relation` in a plan returned (from `EXPLAIN ANALYZE`). */
function rowsOf(node: PlanNode, relation: string): number {
  const own =
    node["Relation Name"] === relation && /Scan/.test(node["Node Type"]) ? (node["Actual Rows"] ?? 0) : 0;
  return own + (node.Plans ?? []).reduce((sum, child) => sum + rowsOf(child, relation), 0);
}

/** A claim of 100 of a campaign's leads due at T0. */
function claimHundred(store: SqlStore, campaignId: string) {
  return store.claimDueLeads({
    campaignId,
    now: T0,
    limit: 100,
    leaseToken: "t",
    leaseExpiresAt: new Date(T0.getTime() + 300_000),
    quotas: [],
  });
}

/** The subplan of a CTE by its name. */
function cte(plan: PlanNode, name: string): PlanNode {
  const found = (plan.Plans ?? []).find((p) => p["Subplan Name"] === `CTE ${name}`);
  if (!found) throw new Error(`no CTE ${name} in the plan`);
  return found;
}

if (!(await postgresReachable())) describeUnreachable("postgres query plans");
else
  describe("postgres query plans before statistics exist", () => {
    const schema = testSchemaName();
    afterAll(() => dropSchema(schema));

    it("looks each lead of an outcome batch up by its id, not by walking the campaign's active leads", async () => {
      const pool = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 2 });
      const statements: SentStatement[] = [];
      recordStatements(pool, (statement) => statements.push(statement));
      const store = postgresStore(pool, { schema, migrate: true, prepareStatements: false });
      // A campaign just enrolled, which no ANALYZE has seen yet (autovacuum kept away): the
      // planner guesses, and guessed the index by campaign and status for a lookup that has the id.
      await store.migrate();
      const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await admin.connect();
      for (const table of ["campaign_leads", "emails"]) {
        await admin.query(`ALTER TABLE ${quoteIdent(schema)}.${table} SET (autovacuum_enabled = false)`);
      }
      const { campaign } = await seedCampaign(store, { leads: 2000 });
      const claimed = await claimHundred(store, campaign.id);
      const emails = claimed.map((c) => newEmail(c.lead, "t"));
      await store.beginSends(emails, T0);
      statements.length = 0;
      expect((await store.completeSends(emails.map((e) => outcome("sent", e)))).applied).toHaveLength(100);

      const oneStatement = statements.find((s) => /^\s*with held as/.test(s.text));
      expect(oneStatement, statements.map((s) => s.text.slice(0, 40)).join("\n")).toBeDefined();
      const { rows } = await admin.query(`EXPLAIN (FORMAT JSON) ${oneStatement!.text}`, oneStatement!.values);
      const plan = (rows[0]["QUERY PLAN"] as { Plan: PlanNode }[])[0]!.Plan;
      expect(scansOf(cte(plan, "held"), "campaign_leads")).toEqual(["Index Scan using campaign_leads_pkey"]);
      await admin.end();
      await store.close();
      await pool.end();
    });

    it("refreshes the statistics after a large enrollment, so a claim of the new campaign reads one batch, not the campaign", async () => {
      const claimSchema = `${schema}_claim`;
      const pool = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 2 });
      const statements: SentStatement[] = [];
      recordStatements(pool, (statement) => statements.push(statement));
      const store = postgresStore(pool, { schema: claimSchema, migrate: true, prepareStatements: false });
      await store.migrate();
      const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await admin.connect();
      const table = `${quoteIdent(claimSchema)}.campaign_leads`;
      await admin.query(`ALTER TABLE ${table} SET (autovacuum_enabled = false)`);
      // The enrollment size from which the store refreshes statistics (enroll-prospects.ts).
      const ANALYZE_AFTER_LEADS = 5000;
      const analyzedRows = async () =>
        Number(
          (await admin.query(`SELECT reltuples FROM pg_class WHERE oid = '${table}'::regclass`)).rows[0]
            .reltuples,
        );
      // Statistics that know the campaigns of an established table (4 × 5 000 leads), then a small
      // enrollment, which leaves them be, and a large one, which refreshes them. Without the refresh
      // the planner guessed one lead for the new campaign and read and sorted all 5 000 per claim.
      for (let i = 0; i < 4; i++) await seedCampaign(store, { leads: 5000 });
      await admin.query(`ANALYZE ${table}`);
      expect(await analyzedRows()).toBe(20_000);
      await seedCampaign(store, { leads: ANALYZE_AFTER_LEADS - 1 });
      expect(await analyzedRows()).toBe(20_000);
      const { campaign } = await seedCampaign(store, { leads: ANALYZE_AFTER_LEADS });
      expect(await analyzedRows()).toBe(20_000 + 2 * ANALYZE_AFTER_LEADS - 1);

      statements.length = 0;
      const claimed = await claimHundred(store, campaign.id);
      expect(claimed).toHaveLength(100);
      const claim = statements.find((s) => /\bpicked as\b/.test(s.text));
      expect(claim, statements.map((s) => s.text.slice(0, 40)).join("\n")).toBeDefined();
      await admin.query("BEGIN");
      const { rows } = await admin.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${claim!.text}`, claim!.values);
      await admin.query("ROLLBACK");
      const picked = cte((rows[0]["QUERY PLAN"] as { Plan: PlanNode }[])[0]!.Plan, "picked");
      expect(rowsOf(picked, "campaign_leads")).toBe(100);
      await admin.end();
      await store.close();
      await pool.end();
      await dropSchema(claimSchema);
    });
  });
