import type { Migration } from "@cadenza/sql";

const counters = [
  "sent",
  "unknown",
  "bounced_hard",
  "bounced_soft",
  "opens",
  "machine_opens",
  "clicks",
  "replies",
  "unsubscribes",
]
  .map((c) => `"${c}" INTEGER NOT NULL DEFAULT 0`)
  .join(",\n  ");

/**
 * The Postgres schema, migration by migration. Statements name tables unqualified: the runner sets
 * `search_path` to the store's schema for each migration. Text keys that order listings (emails,
 * mailbox and event ids) use the "C" collation, so they sort by code point — as the reference store
 * does — whatever the database's locale. Lead and email `mailbox_id` columns carry no foreign key: a
 * campaign may name a mailbox before the host saves it.
 */
export const POSTGRES_MIGRATIONS: readonly Migration[] = [
  {
    id: 1,
    name: "0001_initial",
    statements: [
      `CREATE TABLE mailboxes (
  id TEXT COLLATE "C" PRIMARY KEY,
  from_name TEXT NOT NULL DEFAULT '',
  from_email TEXT NOT NULL,
  reply_to TEXT,
  daily_cap INTEGER CHECK (daily_cap IS NULL OR daily_cap >= 1),
  min_gap_seconds INTEGER NOT NULL DEFAULT 0,
  gap_jitter_seconds INTEGER NOT NULL DEFAULT 0,
  flagged_at TIMESTAMPTZ,
  flag_reason TEXT,
  next_free_at TIMESTAMPTZ,
  created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
)`,
      `CREATE TABLE campaigns (
  id UUID PRIMARY KEY,
  name TEXT NOT NULL,
  description TEXT,
  strategy_key TEXT NOT NULL DEFAULT 'sequence',
  type TEXT NOT NULL DEFAULT 'sequence' CHECK (type IN ('legacy', 'sequence')),
  active BOOLEAN NOT NULL DEFAULT false,
  send_days TEXT[] NOT NULL DEFAULT ARRAY['monday', 'tuesday', 'wednesday', 'thursday', 'friday'],
  send_time_start INTEGER NOT NULL DEFAULT 9 CHECK (send_time_start BETWEEN 0 AND 23),
  send_time_end INTEGER NOT NULL DEFAULT 17 CHECK (send_time_end BETWEEN 1 AND 24),
  daily_limit INTEGER NOT NULL DEFAULT 20,
  timezone TEXT NOT NULL DEFAULT 'UTC',
  use_prospect_timezone BOOLEAN NOT NULL DEFAULT false,
  track_opens BOOLEAN NOT NULL DEFAULT true,
  track_clicks BOOLEAN NOT NULL DEFAULT true,
  mailbox_ids TEXT[] NOT NULL DEFAULT '{}',
  custom_variables TEXT[] NOT NULL DEFAULT '{}',
  winner_variant TEXT CHECK (winner_variant IN ('A', 'B')),
  emails_sent INTEGER NOT NULL DEFAULT 0,
  emails_opened INTEGER NOT NULL DEFAULT 0,
  replies_received INTEGER NOT NULL DEFAULT 0,
  sequence_count INTEGER NOT NULL DEFAULT 1,
  leads_count INTEGER NOT NULL DEFAULT 0,
  active_leads INTEGER NOT NULL DEFAULT 0,
  completed_leads INTEGER NOT NULL DEFAULT 0,
  ab_testing_enabled BOOLEAN NOT NULL DEFAULT false,
  created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
)`,
      `CREATE TABLE campaign_sequences (
  id UUID PRIMARY KEY,
  campaign_id UUID NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
  step_number INTEGER NOT NULL CHECK (step_number >= 1),
  delay_days INTEGER NOT NULL DEFAULT 0,
  delay_hours INTEGER NOT NULL DEFAULT 0,
  format TEXT NOT NULL DEFAULT 'text' CHECK (format IN ('text', 'html', 'mjml')),
  variant_a_subject TEXT NOT NULL,
  variant_a_body TEXT NOT NULL,
  variant_b_subject TEXT,
  variant_b_body TEXT,
  variant_split INTEGER NOT NULL DEFAULT 50 CHECK (variant_split >= 0 AND variant_split <= 100),
  use_ai_generation BOOLEAN NOT NULL DEFAULT false,
  ai_prompt_context TEXT,
  sent_count INTEGER NOT NULL DEFAULT 0,
  variant_a_sent INTEGER NOT NULL DEFAULT 0,
  variant_b_sent INTEGER NOT NULL DEFAULT 0,
  open_count INTEGER NOT NULL DEFAULT 0,
  variant_a_opens INTEGER NOT NULL DEFAULT 0,
  variant_b_opens INTEGER NOT NULL DEFAULT 0,
  reply_count INTEGER NOT NULL DEFAULT 0,
  variant_a_replies INTEGER NOT NULL DEFAULT 0,
  variant_b_replies INTEGER NOT NULL DEFAULT 0,
  bounce_count INTEGER NOT NULL DEFAULT 0,
  created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  UNIQUE (campaign_id, step_number)
)`,
      `CREATE TABLE prospects (
  id UUID PRIMARY KEY,
  email TEXT COLLATE "C" UNIQUE,
  first_name TEXT,
  last_name TEXT,
  title TEXT,
  company TEXT,
  city TEXT,
  country TEXT,
  timezone TEXT,
  tier TEXT CHECK (tier IN ('hot', 'warm', 'cold')),
  stage TEXT,
  source TEXT,
  search_text TEXT NOT NULL DEFAULT '',
  tags TEXT[] NOT NULL DEFAULT '{}',
  score DOUBLE PRECISION NOT NULL DEFAULT 0,
  archived BOOLEAN NOT NULL DEFAULT false,
  attributes JSONB NOT NULL DEFAULT '{}',
  created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
)`,
      `CREATE INDEX prospects_by_score ON prospects (score DESC, email)`,
      `CREATE INDEX prospects_by_tags ON prospects USING GIN (tags)`,
      `CREATE TABLE campaign_leads (
  id UUID PRIMARY KEY,
  campaign_id UUID NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
  prospect_id UUID NOT NULL REFERENCES prospects(id) ON DELETE CASCADE,
  mailbox_id TEXT,
  current_step INTEGER NOT NULL DEFAULT 0,
  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN (
    'active', 'paused', 'completed', 'replied', 'bounced', 'unsubscribed', 'failed'
  )),
  assigned_variant TEXT CHECK (assigned_variant IN ('A', 'B')),
  last_email_at TIMESTAMPTZ,
  next_email_at TIMESTAMPTZ,
  emails_sent INTEGER NOT NULL DEFAULT 0,
  emails_opened INTEGER NOT NULL DEFAULT 0,
  has_replied BOOLEAN NOT NULL DEFAULT false,
  replied_at TIMESTAMPTZ,
  added_by TEXT CHECK (added_by IN ('manual', 'import', 'automation')),
  notes TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  paused_until TIMESTAMPTZ,
  lease_token TEXT,
  lease_expires_at TIMESTAMPTZ,
  version INTEGER NOT NULL DEFAULT 0,
  created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  UNIQUE (campaign_id, prospect_id)
)`,
      `CREATE INDEX campaign_leads_due ON campaign_leads (campaign_id, next_email_at, id) WHERE status = 'active'`,
      `CREATE INDEX campaign_leads_by_status ON campaign_leads (campaign_id, status)`,
      `CREATE INDEX campaign_leads_by_prospect ON campaign_leads (prospect_id, status)`,
      `CREATE INDEX campaign_leads_to_resume ON campaign_leads (paused_until, id) WHERE status = 'paused'`,
      `CREATE INDEX campaign_leads_by_mailbox ON campaign_leads (mailbox_id)`,
      `CREATE TABLE emails (
  id UUID PRIMARY KEY,
  campaign_id UUID REFERENCES campaigns(id) ON DELETE SET NULL,
  lead_id UUID REFERENCES campaign_leads(id) ON DELETE SET NULL,
  prospect_id UUID REFERENCES prospects(id) ON DELETE SET NULL,
  step_number INTEGER,
  variant TEXT CHECK (variant IN ('A', 'B')),
  mailbox_id TEXT,
  direction TEXT NOT NULL CHECK (direction IN ('outbound', 'inbound')),
  status TEXT NOT NULL CHECK (status IN ('sending', 'sent', 'opened', 'replied', 'bounced', 'unknown', 'received')),
  message_id TEXT NOT NULL,
  in_reply_to TEXT,
  thread_references TEXT[] NOT NULL DEFAULT '{}',
  subject TEXT NOT NULL,
  body TEXT NOT NULL,
  html TEXT,
  to_email TEXT NOT NULL,
  from_email TEXT NOT NULL,
  idempotency_key TEXT,
  response TEXT,
  generated BOOLEAN NOT NULL DEFAULT false,
  links TEXT[] NOT NULL DEFAULT '{}',
  counter_day TEXT,
  lease_token TEXT,
  sent_at TIMESTAMPTZ,
  opened_at TIMESTAMPTZ,
  machine_opened_at TIMESTAMPTZ,
  clicked_at TIMESTAMPTZ,
  replied_at TIMESTAMPTZ,
  bounced_at TIMESTAMPTZ,
  created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
)`,
      `CREATE UNIQUE INDEX emails_one_per_step ON emails (lead_id, step_number) WHERE direction = 'outbound'`,
      `CREATE INDEX emails_by_message_id ON emails (message_id)`,
      `CREATE INDEX emails_by_campaign ON emails (campaign_id, created_at)`,
      `CREATE INDEX emails_by_prospect ON emails (prospect_id, sent_at) WHERE direction = 'outbound'`,
      `CREATE INDEX emails_sending ON emails (lead_id) WHERE status = 'sending'`,
      `CREATE TABLE suppressions (
  email TEXT COLLATE "C" PRIMARY KEY,
  reason TEXT NOT NULL,
  campaign_id UUID,
  created_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
)`,
      `CREATE TABLE events (
  id TEXT COLLATE "C" PRIMARY KEY,
  kind TEXT NOT NULL,
  campaign_id UUID,
  lead_id UUID,
  email_id UUID,
  at TIMESTAMPTZ NOT NULL,
  data JSONB NOT NULL DEFAULT '{}'
)`,
      `CREATE INDEX events_by_campaign ON events (campaign_id, at, id)`,
      `CREATE INDEX events_by_lead ON events (lead_id, at, id)`,
      `CREATE INDEX events_by_time ON events (at, id)`,
      `CREATE TABLE step_variant_counters (
  campaign_id UUID NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
  step_number INTEGER NOT NULL,
  variant TEXT NOT NULL CHECK (variant IN ('A', 'B')),
  ${counters},
  PRIMARY KEY (campaign_id, step_number, variant)
)`,
      `CREATE TABLE campaign_daily_counters (
  campaign_id UUID NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
  day TEXT NOT NULL,
  ${counters},
  PRIMARY KEY (campaign_id, day)
)`,
      `CREATE TABLE campaign_lead_counts (
  campaign_id UUID NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
  status TEXT NOT NULL,
  leads INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (campaign_id, status)
)`,
      `CREATE TABLE send_quotas (
  key TEXT NOT NULL,
  day TEXT NOT NULL,
  used INTEGER NOT NULL DEFAULT 0 CHECK (used >= 0),
  PRIMARY KEY (key, day)
)`,
    ],
  },
  {
    id: 2,
    name: "0002_saved_audiences",
    statements: [
      `CREATE TABLE saved_audiences (
  id UUID PRIMARY KEY,
  name TEXT NOT NULL,
  filter JSONB NOT NULL,
  rules JSONB NOT NULL,
  created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
)`,
    ],
  },
  {
    id: 3,
    name: "0003_dispatch_indexes",
    // The outcome update of a send changes status, sent_at and response: no index of emails may hold
    // them, so the update leaves the indexes alone. Recent contact is found by created_at; sends left
    // `sending` by a dead worker are found from their leads (not active, still leased).
    statements: [
      `DROP INDEX emails_sending`,
      `DROP INDEX emails_by_prospect`,
      `CREATE INDEX emails_by_prospect ON emails (prospect_id, created_at) WHERE direction = 'outbound'`,
      `CREATE INDEX campaign_leads_stopped_leased ON campaign_leads (lease_expires_at) WHERE lease_token IS NOT NULL AND status <> 'active'`,
      // Room on each page for the row's next version: the outcome update rewrites every new row
      // once, and with free space on its page (and no indexed column changed) the update is HOT.
      `ALTER TABLE emails SET (fillfactor = 50)`,
    ],
  },
  {
    id: 4,
    name: "0004_email_compression",
    // Every outbound row carries a few kilobytes of rendered body, compressed as it is inserted: lz4
    // compresses it several times faster than the default pglz. Servers built without lz4 (or older
    // than Postgres 14) keep pglz; only new values are affected either way.
    statements: [
      `DO $$
BEGIN
  EXECUTE 'ALTER TABLE emails ALTER COLUMN html SET COMPRESSION lz4, ALTER COLUMN body SET COMPRESSION lz4';
EXCEPTION WHEN feature_not_supported OR syntax_error THEN
  NULL;
END $$`,
    ],
  },
  {
    id: 5,
    name: "0005_foreign_key_indexes",
    // Deleting a lead or a prospect sets the `lead_id` / `prospect_id` of its emails to null, which
    // the database looks up by that column: only an index without a WHERE serves the lookup, so
    // without one every deleted row scanned all emails (deleting a campaign grew with leads × emails).
    // `emails_by_prospect` loses its WHERE and `emails_by_lead` is new; neither holds a column the
    // send's outcome changes.
    statements: [
      `DROP INDEX emails_by_prospect`,
      `CREATE INDEX emails_by_prospect ON emails (prospect_id, created_at)`,
      `CREATE INDEX emails_by_lead ON emails (lead_id)`,
    ],
  },
  {
    id: 6,
    name: "0006_provider_message_ids",
    // Providers that replace the engine's Message-ID (Amazon SES, Microsoft 365) deliver the message
    // under their own, and replies name that one: it is kept on the email and looked up by. The index
    // holds only the rows that have one, so for a server that keeps the engine's id it stays empty,
    // and the outcome update, which sets the column only for a batch that has one, leaves it alone.
    statements: [
      `ALTER TABLE emails ADD COLUMN provider_message_id TEXT`,
      `CREATE INDEX emails_by_provider_message_id ON emails (provider_message_id) WHERE provider_message_id IS NOT NULL`,
    ],
  },
  {
    id: 7,
    name: "0007_mailbox_day_and_ramp",
    // A mailbox's daily cap counts the days of its own zone: counted in UTC days, a mailbox in Los
    // Angeles started its cap again at 16:00 its time and could send twice its cap in one working day.
    // Existing mailboxes keep UTC, as before. A new mailbox may ramp its volume up to its cap.
    statements: [
      `ALTER TABLE mailboxes ADD COLUMN timezone TEXT NOT NULL DEFAULT 'UTC'`,
      `ALTER TABLE mailboxes ADD COLUMN ramp_up JSONB`,
    ],
  },
  {
    id: 8,
    name: "0008_inbound_reports",
    // Spam complaints are counted per step, variant and day, and stamped on the email they report, so
    // each counts once. An inbound message is stored once per Message-ID (a webhook retried delivers it
    // again): copies stored before are removed, the first kept, and a unique index holds it from now on.
    statements: [
      `ALTER TABLE emails ADD COLUMN complained_at TIMESTAMPTZ`,
      `ALTER TABLE step_variant_counters ADD COLUMN complaints INTEGER NOT NULL DEFAULT 0`,
      `ALTER TABLE campaign_daily_counters ADD COLUMN complaints INTEGER NOT NULL DEFAULT 0`,
      `DELETE FROM emails WHERE direction = 'inbound' AND EXISTS (
  SELECT 1 FROM emails AS kept
   WHERE kept.direction = 'inbound' AND kept.message_id = emails.message_id
     AND (kept.created_at < emails.created_at OR (kept.created_at = emails.created_at AND kept.id::text < emails.id::text)))`,
      `CREATE UNIQUE INDEX emails_inbound_message_id ON emails (message_id) WHERE direction = 'inbound'`,
    ],
  },
  {
    id: 9,
    name: "0009_sender_holds",
    // A sender (a mailbox, or the default sender) the server it sends through throttled or could not
    // reach is held back, for every worker, until its hold ends; the row stays, and doubles the next
    // hold, until a send through the sender goes through. One row per sender, read once per tick.
    statements: [
      `CREATE TABLE sender_holds (
  key TEXT COLLATE "C" PRIMARY KEY,
  strikes INTEGER NOT NULL CHECK (strikes >= 1),
  held_at TIMESTAMPTZ NOT NULL,
  held_until TIMESTAMPTZ NOT NULL,
  reason TEXT NOT NULL
)`,
    ],
  },
];

/** The table migrations are recorded in. */
export const POSTGRES_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS cadenza_migrations (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  applied_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
)`;
