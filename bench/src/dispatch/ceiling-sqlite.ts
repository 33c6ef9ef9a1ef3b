import { randomUUID } from "node:crypto";
import { createRequire } from "node:module";
import { performance } from "node:perf_hooks";
import { Worker } from "node:worker_threads";
import Database from "better-sqlite3";
import { BENCH_NOW } from "../workload/bench-runtime.js";
import { type CeilingMeasure, ceilingEmail, ceilingVariant } from "./ceiling-email.js";
import { expectDispatchIntegrity } from "./dispatch-integrity.js";

const DDL = `
CREATE TABLE campaigns (id TEXT PRIMARY KEY, emails_sent INTEGER NOT NULL DEFAULT 0);
CREATE TABLE prospects (
  id TEXT PRIMARY KEY, email TEXT NOT NULL UNIQUE, first_name TEXT, company TEXT, city TEXT,
  attributes TEXT NOT NULL DEFAULT '{}');
CREATE TABLE leads (
  id TEXT PRIMARY KEY, campaign_id TEXT NOT NULL REFERENCES campaigns, prospect_id TEXT NOT NULL REFERENCES prospects,
  status TEXT NOT NULL, current_step INTEGER NOT NULL DEFAULT 0, assigned_variant TEXT,
  next_email_at TEXT, last_email_at TEXT, emails_sent INTEGER NOT NULL DEFAULT 0,
  lease_token TEXT, lease_expires_at TEXT, version INTEGER NOT NULL DEFAULT 0, updated_at TEXT,
  UNIQUE (campaign_id, prospect_id));
CREATE INDEX leads_due ON leads (campaign_id, next_email_at) WHERE status = 'active';
CREATE TABLE emails (
  id TEXT PRIMARY KEY, lead_id TEXT NOT NULL REFERENCES leads, campaign_id TEXT NOT NULL REFERENCES campaigns,
  step_number INTEGER NOT NULL, variant TEXT NOT NULL, status TEXT NOT NULL, to_email TEXT NOT NULL,
  subject TEXT NOT NULL, html TEXT, text TEXT NOT NULL, message_id TEXT NOT NULL,
  sent_at TEXT, created_at TEXT NOT NULL,
  UNIQUE (lead_id, step_number));
CREATE INDEX emails_message_id ON emails (message_id);
CREATE TABLE step_counters (
  campaign_id TEXT NOT NULL REFERENCES campaigns, step_number INTEGER NOT NULL, variant TEXT NOT NULL,
  sent INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (campaign_id, step_number, variant));
`;

/**
 * A worker thread checkpointing `file`'s log, as Cadenza's SQLite store arranges it: a PASSIVE
 * checkpoint every 100 ms from the thread's own connection, the writer's own threshold raised to
 * 10 000 pages. Written here by hand, as a host's loop would: the reference uses no Cadenza code.
 */
function checkpointThread(db: Database.Database, file: string): Worker {
  db.pragma("wal_autocheckpoint = 10000");
  const worker = new Worker(
    `const { workerData } = require("node:worker_threads");
     const Database = require(workerData.driver);
     const db = new Database(workerData.file, { fileMustExist: true });
     db.pragma("synchronous = NORMAL");
     setInterval(() => db.pragma("wal_checkpoint(PASSIVE)"), 100);`,
    { eval: true, workerData: { driver: createRequire(import.meta.url).resolve("better-sqlite3"), file } },
  );
  worker.unref();
  return worker;
}

/**
 * The ceiling of one SQLite writer, in better-sqlite3 transactions with the pragmas Cadenza's store
 * uses (WAL, `synchronous = NORMAL`, foreign keys) and its checkpoints in a worker thread: per batch,
 * one transaction claims due leads and one inserts the email rows, advances the leads and bumps the
 * counters. No rendering, no transport.
 */
export async function ceilingSqlite(
  params: { file: string; leads: number; batchSize: number },
  ready: () => Promise<void>,
): Promise<CeilingMeasure> {
  const db = new Database(params.file);
  let checkpoints: Worker | null = null;
  try {
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    db.pragma("foreign_keys = ON");
    db.exec(DDL);
    const campaignId = randomUUID();
    const now = BENCH_NOW.toISOString();
    db.prepare("INSERT INTO campaigns (id) VALUES (?)").run(campaignId);
    const insertProspect = db.prepare(
      "INSERT INTO prospects (id, email, first_name, company, city, attributes) VALUES (?, ?, ?, ?, ?, ?)",
    );
    const insertLead = db.prepare(
      "INSERT INTO leads (id, campaign_id, prospect_id, status, next_email_at, updated_at) VALUES (?, ?, ?, 'active', ?, ?)",
    );
    db.transaction(() => {
      for (let i = 0; i < params.leads; i++) {
        const id = randomUUID();
        insertProspect.run(
          id,
          `p${i}@bench.example`,
          `First${i}`,
          `Harbor Group ${i % 997}`,
          "Lisbon",
          `{"hotel_name":"Hotel Mar ${i}"}`,
        );
        insertLead.run(randomUUID(), campaignId, id, now, now);
      }
    })();
    db.exec("ANALYZE");
    db.pragma("wal_checkpoint(TRUNCATE)");
    checkpoints = checkpointThread(db, params.file);
    const email = await ceilingEmail();

    const selectDue = db.prepare(
      `SELECT l.id, p.email, p.company FROM leads l JOIN prospects p ON p.id = l.prospect_id
        WHERE l.campaign_id = ? AND l.status = 'active' AND l.next_email_at <= ?
          AND (l.lease_expires_at IS NULL OR l.lease_expires_at < ?)
        ORDER BY l.next_email_at LIMIT ?`,
    );
    const lease = db.prepare(
      "UPDATE leads SET lease_token = ?, lease_expires_at = ?, version = version + 1 WHERE id = ?",
    );
    const insertEmail = db.prepare(
      `INSERT INTO emails (id, lead_id, campaign_id, step_number, variant, status, to_email, subject, html, text, message_id, sent_at, created_at)
       VALUES (?, ?, ?, 1, ?, 'sent', ?, ?, ?, ?, ?, ?, ?)`,
    );
    const advance = db.prepare(
      `UPDATE leads SET status = 'completed', current_step = 1, assigned_variant = ?, emails_sent = emails_sent + 1,
              last_email_at = ?, next_email_at = NULL, lease_token = NULL, lease_expires_at = NULL,
              version = version + 1, updated_at = ?
        WHERE id = ? AND lease_token = ?`,
    );
    const bump = db.prepare(
      `INSERT INTO step_counters (campaign_id, step_number, variant, sent) VALUES (?, 1, ?, ?)
       ON CONFLICT (campaign_id, step_number, variant) DO UPDATE SET sent = sent + excluded.sent`,
    );
    const bumpCampaign = db.prepare("UPDATE campaigns SET emails_sent = emails_sent + ? WHERE id = ?");
    type Due = { id: string; email: string; company: string };
    const claim = db.transaction((token: string, expires: string) => {
      const due = selectDue.all(campaignId, now, now, params.batchSize) as Due[];
      for (const lead of due) lease.run(token, expires, lead.id);
      return due;
    });
    const record = db.transaction((due: Due[], token: string) => {
      const perVariant = { A: 0, B: 0 };
      for (const lead of due) {
        const id = randomUUID();
        const variant = ceilingVariant(lead.id);
        perVariant[variant] += 1;
        insertEmail.run(
          id,
          lead.id,
          campaignId,
          variant,
          lead.email,
          `Group bookings at ${lead.company}`,
          email.html,
          email.text,
          `<${id}@harbor.example>`,
          now,
          now,
        );
        advance.run(variant, now, now, lead.id, token);
      }
      for (const variant of ["A", "B"] as const)
        if (perVariant[variant] > 0) bump.run(campaignId, variant, perVariant[variant]);
      bumpCampaign.run(due.length, campaignId);
    });
    await ready();

    const started = performance.now();
    const expires = new Date(BENCH_NOW.getTime() + 300_000).toISOString();
    let batches = 0;
    for (;;) {
      const token = randomUUID();
      const due = claim(token, expires);
      if (due.length === 0) break;
      batches += 1;
      record(due, token);
    }
    const seconds = (performance.now() - started) / 1000;

    const one = (sql: string) => Number((db.prepare(sql).get() as { n: number }).n);
    expectDispatchIntegrity(
      {
        emails: one("SELECT count(*) AS n FROM emails"),
        distinctLeadSteps: one(
          "SELECT count(*) AS n FROM (SELECT DISTINCT lead_id, step_number FROM emails)",
        ),
        counterSent: one("SELECT coalesce(sum(sent), 0) AS n FROM step_counters"),
        completedLeads: one("SELECT count(*) AS n FROM leads WHERE status = 'completed'"),
        variantA: one("SELECT count(*) AS n FROM emails WHERE variant = 'A'"),
        variantB: one("SELECT count(*) AS n FROM emails WHERE variant = 'B'"),
      },
      params.leads,
    );
    return { leads: params.leads, batches, seconds, perSecond: params.leads / seconds };
  } finally {
    await checkpoints?.terminate();
    db.close();
  }
}
