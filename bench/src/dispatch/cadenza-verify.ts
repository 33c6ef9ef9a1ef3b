import { performance } from "node:perf_hooks";
import type { Cadenza } from "@cadenza/core";
import Database from "better-sqlite3";
import pg from "pg";
import { expectEqual } from "../harness/validate.js";
import { benchEngine, instantTransport } from "../workload/bench-runtime.js";
import { openStore, type StoreLocation } from "../workload/store-location.js";
import { type DispatchCounts, expectDispatchIntegrity } from "./dispatch-integrity.js";

/** What a dispatch run left in the email rows, counted in the store's own tables. */
export type EmailCounts = Pick<DispatchCounts, "emails" | "distinctLeadSteps" | "variantA" | "variantB">;

const EMAIL_COUNTS = (table: string) => `
  SELECT count(*) AS emails,
         count(DISTINCT lead_id || ':' || step_number) AS distinct_lead_steps,
         sum(CASE WHEN variant = 'A' THEN 1 ELSE 0 END) AS variant_a,
         sum(CASE WHEN variant = 'B' THEN 1 ELSE 0 END) AS variant_b
    FROM ${table} WHERE campaign_id = $campaign AND direction = 'outbound'`;

/** Counts the email rows of a campaign straight from the store's tables, not through the store. */
async function countEmailRows(location: StoreLocation, campaignId: string): Promise<EmailCounts> {
  type Row = { emails: number; distinct_lead_steps: number; variant_a: number; variant_b: number };
  let row: Row;
  if (location.kind === "sqlite") {
    const db = new Database(location.file, { readonly: true });
    try {
      row = db.prepare(EMAIL_COUNTS("emails").replace("$campaign", "?")).get(campaignId) as Row;
    } finally {
      db.close();
    }
  } else {
    const client = new pg.Client({ connectionString: location.url });
    await client.connect();
    try {
      const table = `"${location.schema}".emails`;
      row = (await client.query<Row>(EMAIL_COUNTS(table).replace("$campaign", "$1"), [campaignId])).rows[0]!;
    } finally {
      await client.end();
    }
  }
  return {
    emails: Number(row.emails),
    distinctLeadSteps: Number(row.distinct_lead_steps),
    variantA: Number(row.variant_a),
    variantB: Number(row.variant_b),
  };
}

/** What the check of a dispatch run found. */
export interface VerifyReport {
  counts: DispatchCounts;
  auditSeconds: number;
}

/**
 * Checks a dispatch run did exactly its job: email rows counted in the tables, counters read through
 * the store, and the store's own integrity audit empty.
 */
export async function cadenzaVerify(
  params: { store: StoreLocation; campaignId: string; leads: number },
  ready: () => Promise<void>,
): Promise<VerifyReport> {
  await ready();
  const rows = await countEmailRows(params.store, params.campaignId);
  const store = await openStore(params.store);
  try {
    const { cadenza } = benchEngine(store, instantTransport());
    return await checkDispatchedCampaign(cadenza, params.campaignId, rows, params.leads);
  } finally {
    await store.close?.();
  }
}

/**
 * Checks a campaign after dispatch against the email rows counted in its store: the counters read
 * through the engine, per variant too, and the store's integrity audit empty.
 */
export async function checkDispatchedCampaign(
  cadenza: Cadenza,
  campaignId: string,
  rows: EmailCounts,
  leads: number,
): Promise<VerifyReport> {
  const counters = await cadenza.counters(campaignId);
  const counts: DispatchCounts = {
    ...rows,
    counterSent: counters.steps.reduce((sum, s) => sum + s.sent, 0),
    completedLeads: counters.completedLeads,
  };
  expectDispatchIntegrity(counts, leads);
  expectEqual("campaign emails_sent", counters.emailsSent, leads);
  for (const variant of ["A", "B"] as const) {
    const counted = counters.steps.filter((s) => s.variant === variant).reduce((sum, s) => sum + s.sent, 0);
    expectEqual(`variant ${variant} sent counter`, counted, variant === "A" ? rows.variantA : rows.variantB);
  }
  const started = performance.now();
  const findings = await cadenza.audit();
  expectEqual(
    "integrity audit findings",
    findings.map((f) => `${f.check} (${f.rows.length})`).join(", "),
    "",
  );
  return { counts, auditSeconds: (performance.now() - started) / 1000 };
}
