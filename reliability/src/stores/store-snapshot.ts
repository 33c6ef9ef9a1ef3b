import Database from "better-sqlite3";
import pg from "pg";
import type { StoreTarget } from "../worker/worker-config.js";

/** A lead as the verifier reads it straight from the tables. */
export interface LeadRow {
  id: string;
  campaignId: string;
  status: string;
  currentStep: number;
  nextEmailAt: number | null;
  leaseExpiresAt: number | null;
  lastError: string | null;
}

/** An outbound email record as the verifier reads it. */
export interface EmailRow {
  leadId: string;
  campaignId: string;
  stepNumber: number;
  status: string;
  idempotencyKey: string | null;
  counterDay: string | null;
}

/** Ground truth of one run: every lead, every outbound email and every quota row. */
export interface StoreSnapshot {
  leads: LeadRow[];
  emails: EmailRow[];
  quotas: { key: string; day: string; used: number }[];
  suppressed: Set<string>;
  prospectEmailByLead: Map<string, string>;
}

const LEADS_SQL = `select l.id, l.campaign_id, l.status, l.current_step, l.next_email_at, l.lease_expires_at,
  l.last_error, p.email from campaign_leads l join prospects p on p.id = l.prospect_id`;
const EMAILS_SQL = `select lead_id, campaign_id, step_number, status, idempotency_key, counter_day from emails
  where direction = 'outbound'`;
const QUOTAS_SQL = "select key, day, used from send_quotas";
const SUPPRESSED_SQL = "select email from suppressions";
const ACTIVE_SQL = "select count(*) as n from campaign_leads where status = 'active'";
const EMAILS_COUNT_SQL = "select count(*) as n from emails where direction = 'outbound'";

type Row = Record<string, unknown>;

function ms(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value.getTime() : new Date(String(value)).getTime();
}

function toSnapshot(leads: Row[], emails: Row[], quotas: Row[], suppressed: Row[]): StoreSnapshot {
  return {
    leads: leads.map((r) => ({
      id: String(r.id),
      campaignId: String(r.campaign_id),
      status: String(r.status),
      currentStep: Number(r.current_step),
      nextEmailAt: ms(r.next_email_at),
      leaseExpiresAt: ms(r.lease_expires_at),
      lastError: r.last_error === null ? null : String(r.last_error),
    })),
    emails: emails.map((r) => ({
      leadId: String(r.lead_id),
      campaignId: String(r.campaign_id),
      stepNumber: Number(r.step_number),
      status: String(r.status),
      idempotencyKey: r.idempotency_key === null ? null : String(r.idempotency_key),
      counterDay: r.counter_day === null ? null : String(r.counter_day),
    })),
    quotas: quotas.map((r) => ({ key: String(r.key), day: String(r.day), used: Number(r.used) })),
    suppressed: new Set(suppressed.map((r) => String(r.email).toLowerCase())),
    prospectEmailByLead: new Map(leads.map((r) => [String(r.id), String(r.email).toLowerCase()])),
  };
}

async function withPostgres<T>(
  target: Extract<StoreTarget, { kind: "postgres" }>,
  fn: (query: (text: string) => Promise<Row[]>) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({ connectionString: target.url });
  await client.connect();
  try {
    await client.query(`set search_path to "${target.schema.replace(/"/g, '""')}"`);
    return await fn(async (text) => (await client.query(text)).rows as Row[]);
  } finally {
    await client.end();
  }
}

async function withSqlite<T>(
  target: Extract<StoreTarget, { kind: "sqlite" }>,
  fn: (query: (text: string) => Promise<Row[]>) => Promise<T>,
): Promise<T> {
  const db = new Database(target.file, { readonly: true });
  db.pragma("busy_timeout = 20000");
  try {
    return await fn(async (text) => db.prepare(text).all() as Row[]);
  } finally {
    db.close();
  }
}

function onTarget<T>(target: StoreTarget, fn: (query: (text: string) => Promise<Row[]>) => Promise<T>) {
  return target.kind === "postgres" ? withPostgres(target, fn) : withSqlite(target, fn);
}

/** Reads the whole ground truth in one go (after the workers stopped). */
export function readSnapshot(target: StoreTarget): Promise<StoreSnapshot> {
  return onTarget(target, async (query) =>
    toSnapshot(
      await query(LEADS_SQL),
      await query(EMAILS_SQL),
      await query(QUOTAS_SQL),
      await query(SUPPRESSED_SQL),
    ),
  );
}

/** How many leads are still active (work left, or waiting for a retry). */
export function countActiveLeads(target: StoreTarget): Promise<number> {
  return onTarget(target, async (query) => Number((await query(ACTIVE_SQL))[0]?.n ?? 0));
}

/** How many outbound email records there are (a run's progress). */
export function countEmails(target: StoreTarget): Promise<number> {
  return onTarget(target, async (query) => Number((await query(EMAILS_COUNT_SQL))[0]?.n ?? 0));
}
