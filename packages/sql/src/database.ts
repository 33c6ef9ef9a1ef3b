import type { ColumnType } from "kysely";

/**
 * Column types as they travel to and from the driver. Postgres speaks `Date`, `boolean` and arrays;
 * SQLite speaks ISO-8601 text, 0/1 and JSON text. Values are written through the dialect's
 * `SqlValues` and read back through `read-values.ts`, so both shapes are accepted here.
 */
export type SqlTime = Date | string;
/** `boolean` on Postgres, `0 | 1` on SQLite. */
export type SqlBool = boolean | number;
/** `TEXT[]` on Postgres, JSON text on SQLite. */
export type SqlTextArray = string[] | string;
/** `JSONB` on Postgres (parsed by the driver), JSON text on SQLite. */
export type SqlJson = unknown;

type Defaulted<T> = ColumnType<T, T | undefined, T>;

/** The counters kept per (campaign, step, variant) and per (campaign, day), as columns. */
export interface CounterColumns {
  sent: Defaulted<number>;
  unknown: Defaulted<number>;
  bounced_hard: Defaulted<number>;
  bounced_soft: Defaulted<number>;
  opens: Defaulted<number>;
  machine_opens: Defaulted<number>;
  clicks: Defaulted<number>;
  replies: Defaulted<number>;
  unsubscribes: Defaulted<number>;
  /** Added by a later migration. */
  complaints: Defaulted<number>;
}

/** The audit's `campaigns` table plus the settings the engine needs. */
export interface CampaignsTable {
  id: string;
  name: string;
  description: string | null;
  strategy_key: Defaulted<string>;
  type: Defaulted<string>;
  active: SqlBool;
  send_days: SqlTextArray;
  send_time_start: number;
  send_time_end: number;
  daily_limit: number;
  timezone: string;
  use_prospect_timezone: SqlBool;
  track_opens: SqlBool;
  track_clicks: SqlBool;
  mailbox_ids: SqlTextArray;
  custom_variables: SqlTextArray;
  winner_variant: string | null;
  emails_sent: Defaulted<number>;
  emails_opened: Defaulted<number>;
  replies_received: Defaulted<number>;
  sequence_count: number;
  leads_count: Defaulted<number>;
  active_leads: Defaulted<number>;
  completed_leads: Defaulted<number>;
  ab_testing_enabled: SqlBool;
  created_at: SqlTime;
  updated_at: SqlTime;
}

/** The audit's `campaign_sequences` table: one row per step, with its audit metric columns. */
export interface CampaignSequencesTable {
  id: string;
  campaign_id: string;
  step_number: number;
  delay_days: number;
  delay_hours: number;
  format: string;
  variant_a_subject: string;
  variant_a_body: string;
  variant_b_subject: string | null;
  variant_b_body: string | null;
  variant_split: number;
  use_ai_generation: SqlBool;
  ai_prompt_context: string | null;
  sent_count: Defaulted<number>;
  variant_a_sent: Defaulted<number>;
  variant_b_sent: Defaulted<number>;
  open_count: Defaulted<number>;
  variant_a_opens: Defaulted<number>;
  variant_b_opens: Defaulted<number>;
  reply_count: Defaulted<number>;
  variant_a_replies: Defaulted<number>;
  variant_b_replies: Defaulted<number>;
  bounce_count: Defaulted<number>;
  created_at: SqlTime;
  updated_at: SqlTime;
}

/** The audit's `campaign_leads` table plus the lease, retry and version columns. */
export interface CampaignLeadsTable {
  id: string;
  campaign_id: string;
  prospect_id: string;
  mailbox_id: string | null;
  current_step: number;
  status: string;
  assigned_variant: string | null;
  last_email_at: SqlTime | null;
  next_email_at: SqlTime | null;
  emails_sent: number;
  emails_opened: number;
  has_replied: SqlBool;
  replied_at: SqlTime | null;
  added_by: string | null;
  notes: string | null;
  attempts: number;
  last_error: string | null;
  paused_until: SqlTime | null;
  lease_token: string | null;
  lease_expires_at: SqlTime | null;
  version: number;
  created_at: SqlTime;
  updated_at: SqlTime;
}

/** Prospects, keyed by lower-case email. */
export interface ProspectsTable {
  id: string;
  email: string | null;
  first_name: string | null;
  last_name: string | null;
  title: string | null;
  company: string | null;
  city: string | null;
  country: string | null;
  timezone: string | null;
  tier: string | null;
  stage: string | null;
  source: string | null;
  /** Full name, company, email and city, lower-cased, for case-insensitive search in any language. */
  search_text: string;
  tags: SqlTextArray;
  score: number;
  archived: SqlBool;
  attributes: SqlJson;
  created_at: SqlTime;
  updated_at: SqlTime;
}

/** The audit's `emails` table: outbound sends and inbound replies. */
export interface EmailsTable {
  id: string;
  campaign_id: string | null;
  lead_id: string | null;
  prospect_id: string | null;
  step_number: number | null;
  variant: string | null;
  mailbox_id: string | null;
  direction: string;
  status: string;
  message_id: string;
  in_reply_to: string | null;
  thread_references: SqlTextArray;
  subject: string;
  body: string;
  html: string | null;
  to_email: string;
  from_email: string;
  idempotency_key: string | null;
  response: string | null;
  generated: SqlBool;
  links: SqlTextArray;
  counter_day: string | null;
  lease_token: string | null;
  sent_at: SqlTime | null;
  opened_at: SqlTime | null;
  machine_opened_at: SqlTime | null;
  clicked_at: SqlTime | null;
  replied_at: SqlTime | null;
  bounced_at: SqlTime | null;
  created_at: SqlTime;
  updated_at: SqlTime;
  /** Added by later migrations, hence last. */
  provider_message_id: string | null;
  complained_at: SqlTime | null;
}

/** Sending identities, with the pacing cursor the claim moves. */
export interface MailboxesTable {
  id: string;
  from_name: string;
  from_email: string;
  reply_to: string | null;
  daily_cap: number | null;
  /** The zone whose days `daily_cap` counts (migration 0008 on SQLite, 0007 on Postgres, as `ramp_up`). */
  timezone: string;
  /** The mailbox's ramp-up as JSON (`{ startCap, increasePerDay, startedOn }`), or null. */
  ramp_up: SqlJson | null;
  min_gap_seconds: number;
  gap_jitter_seconds: number;
  flagged_at: SqlTime | null;
  flag_reason: string | null;
  next_free_at: SqlTime | null;
  created_at: SqlTime;
  updated_at: SqlTime;
}

/** Addresses no campaign may email again. */
export interface SuppressionsTable {
  email: string;
  reason: string;
  campaign_id: string | null;
  created_at: SqlTime;
}

/** Named filters, re-applied to enroll new matches. */
export interface SavedAudiencesTable {
  id: string;
  name: string;
  filter: SqlJson;
  rules: SqlJson;
  created_at: SqlTime;
  updated_at: SqlTime;
}

/** The engine's event log, in (at, id) order. */
export interface EventsTable {
  id: string;
  kind: string;
  campaign_id: string | null;
  lead_id: string | null;
  email_id: string | null;
  at: SqlTime;
  data: SqlJson;
}

/** Counters per (campaign, step, variant). */
export interface StepVariantCountersTable extends CounterColumns {
  campaign_id: string;
  step_number: number;
  variant: string;
}

/** Counters per (campaign, campaign day). */
export interface CampaignDailyCountersTable extends CounterColumns {
  campaign_id: string;
  day: string;
}

/** Leads per (campaign, status). */
export interface CampaignLeadCountsTable {
  campaign_id: string;
  status: string;
  leads: number;
}

/** Daily quota use per key. */
export interface SendQuotasTable {
  key: string;
  day: string;
  used: number;
}

/** Senders the dispatcher holds back after a throttle, one row per sender until a send goes through. */
export interface SenderHoldsTable {
  key: string;
  strikes: number;
  held_at: SqlTime;
  held_until: SqlTime;
  reason: string;
}

/** Applied migrations. */
export interface CadenzaMigrationsTable {
  id: number;
  name: string;
  applied_at: SqlTime;
}

/**
 * SQLite only: the rendered bodies of outbound emails, written once when the send begins, so the
 * `emails` row its outcome rewrites stays small (see `SqlDialect.emailBodies`).
 */
export interface EmailBodiesTable {
  email_id: string;
  body: string;
  html: string | null;
}

/** Every table of a Cadenza database, for Kysely. */
export interface CadenzaDatabase {
  campaigns: CampaignsTable;
  campaign_sequences: CampaignSequencesTable;
  campaign_leads: CampaignLeadsTable;
  prospects: ProspectsTable;
  emails: EmailsTable;
  email_bodies: EmailBodiesTable;
  mailboxes: MailboxesTable;
  suppressions: SuppressionsTable;
  saved_audiences: SavedAudiencesTable;
  events: EventsTable;
  step_variant_counters: StepVariantCountersTable;
  campaign_daily_counters: CampaignDailyCountersTable;
  campaign_lead_counts: CampaignLeadCountsTable;
  send_quotas: SendQuotasTable;
  sender_holds: SenderHoldsTable;
  cadenza_migrations: CadenzaMigrationsTable;
}
