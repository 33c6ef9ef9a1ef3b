import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import pg from "pg";
import { settleDatabase } from "../postgres/settle-database.js";
import { BENCH_NOW } from "../workload/bench-runtime.js";
import { type CeilingMeasure, ceilingEmail, ceilingVariant } from "./ceiling-email.js";
import { expectDispatchIntegrity } from "./dispatch-integrity.js";

const SCHEMA = "bench_ceiling";

const DDL = `
CREATE SCHEMA ${SCHEMA};
SET search_path = ${SCHEMA};
CREATE TABLE campaigns (id uuid PRIMARY KEY, emails_sent integer NOT NULL DEFAULT 0);
CREATE TABLE prospects (
  id uuid PRIMARY KEY, email text NOT NULL UNIQUE, first_name text, company text, city text,
  attributes jsonb NOT NULL DEFAULT '{}');
CREATE TABLE leads (
  id uuid PRIMARY KEY, campaign_id uuid NOT NULL REFERENCES campaigns, prospect_id uuid NOT NULL REFERENCES prospects,
  status text NOT NULL, current_step integer NOT NULL DEFAULT 0, assigned_variant text,
  next_email_at timestamptz, last_email_at timestamptz, emails_sent integer NOT NULL DEFAULT 0,
  lease_token text, lease_expires_at timestamptz, version integer NOT NULL DEFAULT 0, updated_at timestamptz,
  UNIQUE (campaign_id, prospect_id));
CREATE INDEX leads_due ON leads (campaign_id, next_email_at) WHERE status = 'active';
CREATE TABLE emails (
  id uuid PRIMARY KEY, lead_id uuid NOT NULL REFERENCES leads, campaign_id uuid NOT NULL REFERENCES campaigns,
  step_number integer NOT NULL, variant text NOT NULL, status text NOT NULL, to_email text NOT NULL,
  subject text NOT NULL, html text, text text NOT NULL, message_id text NOT NULL,
  sent_at timestamptz, created_at timestamptz NOT NULL,
  UNIQUE (lead_id, step_number));
CREATE INDEX emails_message_id ON emails (message_id);
CREATE TABLE step_counters (
  campaign_id uuid NOT NULL REFERENCES campaigns, step_number integer NOT NULL, variant text NOT NULL,
  sent integer NOT NULL DEFAULT 0, PRIMARY KEY (campaign_id, step_number, variant));
`;

const CLAIM = `
UPDATE ${SCHEMA}.leads l
   SET lease_token = $2, lease_expires_at = $3, version = l.version + 1
  FROM (SELECT id, prospect_id FROM ${SCHEMA}.leads
         WHERE campaign_id = $1 AND status = 'active' AND next_email_at <= $4
           AND (lease_expires_at IS NULL OR lease_expires_at < $4)
         ORDER BY next_email_at LIMIT $5
         FOR UPDATE SKIP LOCKED) c
  JOIN ${SCHEMA}.prospects p ON p.id = c.prospect_id
 WHERE l.id = c.id
RETURNING l.id, p.email, p.first_name, p.company`;

const RECORD = `
WITH new_emails AS (
  INSERT INTO ${SCHEMA}.emails
    (id, lead_id, campaign_id, step_number, variant, status, to_email, subject, html, text, message_id, sent_at, created_at)
  SELECT e.id, e.lead_id, $1, 1, e.variant, 'sent', e.to_email, e.subject, e.html, e.text, e.message_id, $2, $2
    FROM unnest($3::uuid[], $4::uuid[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[])
      AS e(id, lead_id, variant, to_email, subject, html, text, message_id)
  RETURNING lead_id, variant
), advanced AS (
  UPDATE ${SCHEMA}.leads l
     SET status = 'completed', current_step = 1, assigned_variant = n.variant, emails_sent = l.emails_sent + 1,
         last_email_at = $2, next_email_at = NULL, lease_token = NULL, lease_expires_at = NULL,
         version = l.version + 1, updated_at = $2
    FROM new_emails n
   WHERE l.id = n.lead_id AND l.lease_token = $11
), campaign AS (
  UPDATE ${SCHEMA}.campaigns SET emails_sent = emails_sent + (SELECT count(*) FROM new_emails) WHERE id = $1
)
INSERT INTO ${SCHEMA}.step_counters (campaign_id, step_number, variant, sent)
SELECT $1, 1, variant, count(*) FROM new_emails GROUP BY variant
ON CONFLICT (campaign_id, step_number, variant) DO UPDATE SET sent = step_counters.sent + excluded.sent`;

/**
 * The database-bound ceiling of one Postgres worker: per batch, one statement claims due leads with
 * `SKIP LOCKED` (joined to their prospects), and one statement inserts the email rows (the same bytes
 * Cadenza stores), advances the leads and bumps the counters. No rendering, no transport, no events.
 */
export async function ceilingPostgres(
  params: { url: string; leads: number; batchSize: number },
  ready: () => Promise<void>,
): Promise<CeilingMeasure> {
  const client = new pg.Client({ connectionString: params.url });
  await client.connect();
  try {
    await client.query(DDL);
    const campaignId = randomUUID();
    await client.query(`INSERT INTO ${SCHEMA}.campaigns (id) VALUES ($1)`, [campaignId]);
    await client.query(
      `INSERT INTO ${SCHEMA}.prospects (id, email, first_name, company, city, attributes)
       SELECT gen_random_uuid(), 'p' || i || '@bench.example', 'First' || i, 'Harbor Group ' || (i % 997),
              'Lisbon', jsonb_build_object('hotel_name', 'Hotel Mar ' || i)
         FROM generate_series(0, $1 - 1) AS i`,
      [params.leads],
    );
    await client.query(
      `INSERT INTO ${SCHEMA}.leads (id, campaign_id, prospect_id, status, next_email_at, updated_at)
       SELECT gen_random_uuid(), $1, id, 'active', $2, $2 FROM ${SCHEMA}.prospects`,
      [campaignId, BENCH_NOW],
    );
    const email = await ceilingEmail();
    await settleDatabase(params.url);
    await ready();

    const started = performance.now();
    let batches = 0;
    for (;;) {
      const lease = randomUUID();
      const claimed = await client.query<{ id: string; email: string; first_name: string; company: string }>(
        CLAIM,
        [campaignId, lease, new Date(BENCH_NOW.getTime() + 300_000), BENCH_NOW, params.batchSize],
      );
      if (claimed.rows.length === 0) break;
      batches += 1;
      const ids = claimed.rows.map(() => randomUUID());
      await client.query(RECORD, [
        campaignId,
        BENCH_NOW,
        ids,
        claimed.rows.map((r) => r.id),
        claimed.rows.map((r) => ceilingVariant(r.id)),
        claimed.rows.map((r) => r.email),
        claimed.rows.map((r) => `Group bookings at ${r.company}`),
        claimed.rows.map(() => email.html),
        claimed.rows.map(() => email.text),
        ids.map((id) => `<${id}@harbor.example>`),
        lease,
      ]);
    }
    const seconds = (performance.now() - started) / 1000;

    const one = async (sql: string) => Number((await client.query(sql)).rows[0].n);
    expectDispatchIntegrity(
      {
        emails: await one(`SELECT count(*) AS n FROM ${SCHEMA}.emails`),
        distinctLeadSteps: await one(
          `SELECT count(*) AS n FROM (SELECT DISTINCT lead_id, step_number FROM ${SCHEMA}.emails) d`,
        ),
        counterSent: await one(`SELECT coalesce(sum(sent), 0) AS n FROM ${SCHEMA}.step_counters`),
        completedLeads: await one(`SELECT count(*) AS n FROM ${SCHEMA}.leads WHERE status = 'completed'`),
        variantA: await one(`SELECT count(*) AS n FROM ${SCHEMA}.emails WHERE variant = 'A'`),
        variantB: await one(`SELECT count(*) AS n FROM ${SCHEMA}.emails WHERE variant = 'B'`),
      },
      params.leads,
    );
    return { leads: params.leads, batches, seconds, perSecond: params.leads / seconds };
  } finally {
    await client.end();
  }
}
