/**
 * Every interface the core needs from the world. The core imports no adapter: stores, transports,
 * clocks and random sources are handed to `createCadenza` by the host.
 */

import type { CampaignCounters, CounterDelta, StepCounters } from "./analytics/counters.js";
import type { Prospect } from "./audience/prospect.js";
import type { ProspectData, ProspectFilter } from "./audience/prospect-schema.js";
import type { Campaign } from "./campaign/campaign.js";
import type { CampaignConfig, StepConfig, VariantName } from "./campaign/campaign-schema.js";
import type { EmailRecord } from "./dispatch/email-record.js";
import type { Mailbox } from "./dispatch/mailbox-schema.js";
import type { AddedBy, Lead, LeadStatus } from "./lead/lead.js";

// ---------------------------------------------------------------------------------------------
// Clock, random source, ids
// ---------------------------------------------------------------------------------------------

/** Time, as the engine sees it. Production: `systemClock()`; tests: `FakeClock`. */
export interface Clock {
  /** The current instant. */
  now(): Date;
  /** Resolves after `ms` of this clock's time, or early (without error) when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /**
   * Resolves once the process's other pending work (I/O callbacks, due timers) has had a turn. The
   * engine calls it between slices of a dispatch, so that a store working synchronously on the
   * host's thread (SQLite) does not hold the event loop for a whole dispatch. `systemClock()` uses
   * `setImmediate`; a clock without it (a test's `FakeClock`) is never yielded to.
   */
  yield?(): Promise<void>;
}

/** Chance, as the engine sees it. Production: crypto-backed; tests: seeded. */
export interface RandomSource {
  /** A float in [0, 1). */
  next(): number;
}

/** Makes unique ids. Production: UUIDv7 and nanoid; tests: counters. */
export interface IdGenerator {
  /** A new record id: a UUID (the audit's `id UUID` columns). */
  id(): string;
  /** A new short, URL-safe random token (lease tokens, Message-ID local parts). */
  token(): string;
}

// ---------------------------------------------------------------------------------------------
// Transport
// ---------------------------------------------------------------------------------------------

/** One email, fully rendered, as the engine hands it to a transport. */
export interface OutboundMessage {
  /** RFC 5322 Message-ID chosen by the engine, with angle brackets (`<id@domain>`). */
  messageId: string;
  from: { name: string; email: string };
  to: { name: string | null; email: string };
  replyTo: string | null;
  subject: string;
  html: string | null;
  text: string;
  /** Message-ID this email answers (follow-ups sent as replies). */
  inReplyTo: string | null;
  /** Message-IDs of the thread, oldest first. */
  references: string[];
  /** Extra headers (List-Unsubscribe, List-Unsubscribe-Post, …). */
  headers: Record<string, string>;
  /** Stable per (lead, step); transports that can, pass it to providers that deduplicate on it. */
  idempotencyKey: string;
  /** Mailbox this message is sent from, when the campaign uses mailboxes. */
  mailboxId: string | null;
}

/**
 * What became of one send:
 * - `accepted`: the server took the message;
 * - `rejected/hard`: the address is bad (5.1.x, 5.2.1…): the lead bounces, the address is suppressed;
 * - `rejected/soft`: temporary, on the recipient's side (a full mailbox, greylisting at RCPT TO):
 *   retried later, counted against the lead's attempts;
 * - `rejected/throttled`: temporary, on the sending side (421, a rate or quota limit, 4xx to MAIL FROM
 *   or DATA): not counted against the lead, which waits while its sender is held with backoff; the
 *   quota slot reserved for it is given back;
 * - `rejected/sender`: policy or authentication refusal of the sender (5.7.x): the address is kept,
 *   the lead waits, the mailbox is flagged (the default sender is held with backoff);
 * - `rejected/transport`: the message was not handed over (refused, timeout, TLS, auth): not counted,
 *   the sender is held with backoff, and the quota slot reserved for it given back;
 * - `unknown`: the session broke after the message may have been handed over: never retried.
 */
export type SendResult =
  | { status: "accepted"; response: string | null; providerMessageId?: string | null }
  /**
   * The connection was lost once the message may have been handed over (the server may have queued
   * it without its answer arriving): the send is recorded as outcome unknown and never retried.
   */
  | { status: "unknown"; code: string; response: string }
  | {
      status: "rejected";
      kind: "hard" | "soft" | "throttled" | "sender" | "transport";
      /** Enhanced status code (`5.1.1`) when known, else the basic code (`550`), else a symbolic one. */
      code: string;
      response: string;
    };

/** Sends rendered messages. `smtpTransport(mailbox)` is one; an HTTP email API is another. */
export interface Transport {
  /** Name used in error messages and events. */
  readonly name: string;
  /** Sends one message. Never throws for a delivery failure: returns `rejected` instead. */
  send(message: OutboundMessage): Promise<SendResult>;
  /** Releases connections. */
  close?(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Content generator
// ---------------------------------------------------------------------------------------------

/** What the host's content generator is asked for (the audit's `use_ai_generation` steps). */
export interface GenerateContentRequest {
  campaign: Campaign;
  step: StepConfig & { id: string };
  variant: VariantName;
  prospect: Prospect;
  /** The step's `aiPromptContext`. */
  context: string | null;
  /** Aborts when the engine's generation timeout passes. */
  signal: AbortSignal;
}

/** Produces per-prospect subject and body for steps that ask for generated content (e.g. an LLM). */
export interface ContentGenerator {
  /** Returns subject and body in the step's format; they are validated like a template. */
  generate(request: GenerateContentRequest): Promise<{ subject: string; body: string }>;
}

// ---------------------------------------------------------------------------------------------
// Store
// ---------------------------------------------------------------------------------------------

/** A campaign as the engine asks a store to create it (ids chosen by the engine). */
export interface NewCampaign extends Omit<CampaignConfig, "steps" | "description"> {
  id: string;
  description: string | null;
  active: boolean;
  steps: (StepConfig & { id: string })[];
  createdAt: Date;
}

/** Fields of a campaign a store is asked to change; `steps`, when given, replaces all steps. */
export interface CampaignPatch extends Partial<Omit<NewCampaign, "id" | "createdAt" | "steps">> {
  steps?: (StepConfig & { id: string })[];
  winnerVariant?: VariantName | null;
  updatedAt: Date;
}

/** A prospect row as upserted: the validated input plus the id to use when it is new. */
export interface ProspectUpsert extends ProspectData {
  id: string;
}

export interface UpsertedProspect {
  id: string;
  email: string;
  /** True when the prospect was new; false when an existing one (same email) was updated. */
  created: boolean;
}

/** Optional rules that narrow who may be enrolled, beyond the filter. */
export interface EnrollmentRules {
  /** Skip prospects that are active or paused in another campaign. */
  excludeActiveInOtherCampaigns?: boolean;
  /** Skip prospects emailed by any campaign in the last N days. */
  excludeContactedWithinDays?: number;
}

/** Why a prospect was not enrolled. */
export type EnrollSkipReason =
  | "already_enrolled"
  | "no_email"
  | "invalid_email"
  | "suppressed"
  | "active_in_other_campaign"
  | "recently_contacted"
  | "archived"
  | "not_found";

/** A named filter and rules, re-applied later to enroll new matches (the audit's saved filters). */
export interface SavedAudience {
  id: string;
  name: string;
  filter: ProspectFilter;
  rules: EnrollmentRules;
  createdAt: Date;
  updatedAt: Date;
}

export interface AudiencePreviewRequest {
  campaignId: string;
  filter: ProspectFilter;
  rules: EnrollmentRules;
  now: Date;
  sampleSize: number;
}

/** The counts the audit's "Add leads" modal shows, each a subset of the one before. */
export interface AudiencePreview {
  matching: number;
  withValidEmail: number;
  notSuppressed: number;
  notInCampaign: number;
  notActiveElsewhere: number;
  notRecentlyContacted: number;
  /** How many an enroll with the same filter and rules would add now. */
  enrollable: number;
  sample: Prospect[];
}

export interface EnrollRequest {
  campaignId: string;
  /** Who to enroll: the prospects matching a filter (which may itself list ids). */
  filter: ProspectFilter;
  rules: EnrollmentRules;
  /** `A`, `B`, or `null` to assign at first send by the step's split. */
  variant: VariantName | null;
  /** Mailboxes to spread new leads over (round robin in enrollment order); empty = none. */
  mailboxIds: string[];
  addedBy: AddedBy;
  /** When step 1 is due for a lead enrolled now (the scheduler's answer for the campaign). */
  firstEmailAt: Date;
  now: Date;
  /** Makes ids for new leads (batch-friendly: called once per lead). */
  newId: () => string;
}

export interface EnrollResult {
  added: number;
  skipped: number;
  reasons: Partial<Record<EnrollSkipReason, number>>;
  /** Ids of the new leads, in enrollment order. */
  leadIds: string[];
}

/** A daily quota key a claim must fit in: e.g. the campaign's day or a mailbox's day. */
export interface QuotaReservation {
  /** Stable key, e.g. `campaign:<id>` or `mailbox:<id>`. */
  key: string;
  /** The day it counts in (`YYYY-MM-DD` in the quota's own time zone). */
  day: string;
  /** Most sends allowed on that day. */
  limit: number;
}

export interface ClaimRequest {
  campaignId: string;
  /** Claim only leads of this mailbox (`null`: leads without one); omit for any mailbox. */
  mailboxId?: string | null;
  now: Date;
  /** Most leads to claim. */
  limit: number;
  /** Fences everything done under this claim; a newer claim of the same lead makes it stale. */
  leaseToken: string;
  /** The lease ends then; after it, another worker may claim the lead. */
  leaseExpiresAt: Date;
  /** Daily quotas reserved atomically with the claim; the claim is cut to what they grant. */
  quotas: QuotaReservation[];
  /**
   * Mailbox pacing: the claim succeeds only if the mailbox's next free time is at or before `now`,
   * and then sets it to `nextFreeAt` (so at most one lead is claimed).
   */
  pacing?: { mailboxId: string; nextFreeAt: Date };
}

/** A lead a worker now holds, with what rendering and threading need. */
export interface ClaimedLead {
  lead: Lead;
  prospect: Prospect;
  leaseToken: string;
  /** Quotas reserved for this lead; given back on release. */
  quotas: { key: string; day: string }[];
  /**
   * Whether the prospect's address was on the suppression list when the lead was claimed, for a
   * store that checks it with the claim. When a batch's leads do not all carry it, the engine asks
   * `findSuppressed`.
   */
  suppressed?: boolean;
}

/** An email record to create, status `sending`, before its transport call. */
export interface NewEmail
  extends Omit<
    EmailRecord,
    | "status"
    | "sentAt"
    | "openedAt"
    | "machineOpenedAt"
    | "clickedAt"
    | "repliedAt"
    | "bouncedAt"
    | "complainedAt"
    | "response"
    | "providerMessageId"
    | "direction"
    | "counterDay"
    | "createdAt"
  > {
  leadId: string;
  campaignId: string;
  stepNumber: number;
  variant: VariantName;
  /** Lease the lead is held under; rows are created only while it is current. */
  leaseToken: string;
  /** Campaign day the send counts in (its `sent` counters and daily row). */
  counterDay: string;
}

export interface BeginSendsResult {
  /** Email ids now recorded as `sending`: these may be handed to the transport. */
  begun: string[];
  /** Leads whose lease is no longer theirs: send nothing for them. */
  fenced: string[];
  /**
   * Leads that already had a record for this step from an earlier, expired attempt: that record is
   * now `unknown` (it may have been sent) and is returned so the engine completes the lead without
   * sending again.
   */
  stale: EmailRecord[];
}

/** The lead fields a send outcome sets, computed by the engine's state machine. */
export interface LeadAdvance {
  currentStep: number;
  status: LeadStatus;
  assignedVariant: VariantName | null;
  lastEmailAt: Date | null;
  nextEmailAt: Date | null;
  emailsSent: number;
  attempts: number;
  lastError: string | null;
}

/**
 * What to record after a transport call (or for a stale attempt):
 * - `sent`: the row becomes `sent`; the lead advances;
 * - `bounced`: the row becomes `bounced`; the lead bounces; the address is suppressed;
 * - `retry`: the row is deleted (its sent counters taken back); the lead is rescheduled or failed;
 * - `unknown`: the row stays `unknown`; the lead advances as if it was sent.
 * A lead whose status changed meanwhile (a reply, a pause) keeps that status and next send time; its
 * step, last send time and counters still move.
 */
export interface SendOutcomeWrite {
  kind: "sent" | "bounced" | "retry" | "unknown";
  emailId: string;
  leadId: string;
  leaseToken: string;
  at: Date;
  /** Transport response text, kept on the row. */
  response: string | null;
  /**
   * `sent` only: the Message-ID the provider replaced the engine's with, kept on the email
   * (`EmailRecord.providerMessageId`) so replies naming it are matched by `findEmailsByMessageId`.
   */
  providerMessageId?: string;
  lead: LeadAdvance;
  counters: CounterDelta[];
  /** Address to suppress (hard bounces). */
  suppress?: { email: string; reason: string };
  /** Mailbox to flag (sender-side rejections). */
  flagMailbox?: { mailboxId: string; reason: string };
  /**
   * Quota slots to give back, one send each (never below zero): those reserved for an attempt the
   * provider never took or judged (a transport failure, a throttle, a send held back with its
   * sender). Given back only with an applied outcome: a fenced one's lead was recovered by another
   * worker, which recorded the attempt as `unknown`, and an `unknown` send keeps its slot, so no
   * day records more sends than its limit.
   */
  returnQuotas?: { key: string; day: string }[];
  /** Event to append to the log. */
  event: NewEvent;
}

export interface CompleteSendsResult {
  applied: string[];
  /** Lead ids whose lease had moved on: nothing was written for them. */
  fenced: string[];
}

/** Leases a worker still holds and extends while its batch is under way. */
export interface LeaseRenewal {
  /** The claim's lease token. */
  leaseToken: string;
  leadIds: string[];
  /** The leases' new end. */
  leaseExpiresAt: Date;
}

/** A claimed lead given back without sending, optionally rescheduled. */
export interface LeadRelease {
  leadId: string;
  leaseToken: string;
  /** Keep the lead's place but move its next send (e.g. outside its send window now). */
  nextEmailAt?: Date;
  /** Pause it (e.g. a variable it lacks), with the reason. */
  pause?: { reason: string };
  /** Give back the quota reserved for it. */
  quotas: { key: string; day: string }[];
}

/**
 * A sender the dispatcher sends nothing from until `until`: the server it sends through throttled
 * it, could not be reached, or (for the default sender, which has no flag) refused it. A hold that
 * has run out stays until a send through the sender goes through (`releaseSenders`): meanwhile the
 * dispatcher tries one lead at a time, and another failure holds the sender twice as long.
 */
export interface SenderHold {
  /** `mailbox:<id>`, or `sender:<address>` for the engine's default sender. */
  key: string;
  /** Holds in a row without a send going through in between (1 for the first). */
  strikes: number;
  /** When the failure that set it was recorded. */
  heldAt: Date;
  /** No lead is claimed for the sender before this. */
  until: Date;
  /** The code and response that set it. */
  reason: string;
}

/**
 * A change to a lead outside dispatch (pause, resume, retry, reply, bounce, unsubscribe), fenced on
 * version.
 */
export interface LeadChange {
  leadId: string;
  /** The change applies only if the lead still has this version. */
  expectedVersion: number;
  set: Partial<
    Pick<
      Lead,
      "status" | "nextEmailAt" | "pausedUntil" | "lastError" | "hasReplied" | "repliedAt" | "attempts"
    >
  >;
  counters: CounterDelta[];
  suppress?: { email: string; reason: string };
  event: NewEvent;
}

/** What a tracking request needs of the outbound email its token names: never the email's content. */
export interface TrackingTarget {
  id: string;
  campaignId: string | null;
  leadId: string | null;
  /** The email's tracked links, by the index a click token carries. */
  links: string[];
  toEmail: string;
  sentAt: Date | null;
  createdAt: Date;
  /** The campaign's time zone, where its days are counted (`UTC` without a campaign). */
  timezone: string;
}

/** Engagement with a sent email, recorded through a tracking handler. */
export interface EngagementWrite {
  kind: "open" | "click";
  emailId: string;
  /** Id of the event appended to the log. */
  eventId: string;
  at: Date;
  /** Campaign day the engagement counts in. */
  day: string;
  /** Looked automatic: counted apart from human engagement. */
  machine: boolean;
  /** Clicked URL. */
  url?: string;
  userAgent?: string | null;
  ip?: string | null;
}

export interface EngagementResult {
  emailId: string;
  /** False when the email does not exist. */
  found: boolean;
  /** First human open (or click) of this email: unique counters moved. */
  firstHuman: boolean;
  /** First machine open of this email. */
  firstMachine: boolean;
}

/** Kinds of event in the engine's log, mirrored on the host's event hook. */
export type EventKind =
  | "enrolled"
  | "sent"
  | "send_failed"
  | "bounced"
  | "outcome_unknown"
  | "opened"
  | "clicked"
  | "replied"
  | "auto_replied"
  | "unsubscribed"
  | "complained"
  | "delivery_delayed"
  | "completed"
  | "paused"
  | "resumed"
  | "failed"
  | "retried"
  | "mailbox_flagged"
  | "winner_promoted";

export interface NewEvent {
  id: string;
  kind: EventKind;
  campaignId: string | null;
  leadId: string | null;
  emailId: string | null;
  at: Date;
  data: Record<string, unknown>;
}

export type StoredEvent = NewEvent;

/** An address no campaign may email again. */
export interface Suppression {
  email: string;
  reason: string;
  campaignId: string | null;
  createdAt: Date;
}

/** One failed integrity check: which, what it means, and the offending rows (empty list = healthy). */
export interface AuditFinding {
  /** Stable name, e.g. `invalid_lead_counts` (the audit's check 2). */
  check: string;
  description: string;
  rows: Record<string, unknown>[];
}

/** One day of a campaign's activity, for time series (day in the campaign's time zone). */
export interface DailyActivity extends StepCounters {
  day: string;
}

/**
 * Everything the engine persists, shaped around its operations. Batch methods take arrays so an
 * adapter can do one round trip per batch. Every method is safe to call from several engines (and
 * processes) sharing one store.
 *
 * Implementations: `memoryStore()` (reference, `@cadenza/core/testing`), `sqliteStore()`,
 * `postgresStore()`. All pass `runStoreConformanceSuite`.
 */
export interface Store {
  /** Name used in error messages. */
  readonly name: string;

  // Campaigns ------------------------------------------------------------------------------
  /** Creates a campaign and its steps atomically. */
  createCampaign(campaign: NewCampaign): Promise<Campaign>;
  /**
   * Changes a campaign (and replaces its steps when given); NOT_FOUND if absent. When `mailboxIds`
   * is given, the campaign's leads still to send (active or paused) on a mailbox it no longer lists
   * move to the listed ones round robin in lead id order (to none when the list is empty), in the
   * same transaction.
   */
  updateCampaign(id: string, patch: CampaignPatch): Promise<Campaign>;
  getCampaign(id: string): Promise<Campaign | null>;
  /** All campaigns, newest first; `active` narrows to active (or paused) ones. */
  listCampaigns(options?: { active?: boolean }): Promise<Campaign[]>;
  /** Deletes a campaign with its steps, leads and counters (emails keep a null campaign). */
  deleteCampaign(id: string): Promise<void>;

  // Mailboxes ------------------------------------------------------------------------------
  saveMailbox(mailbox: Mailbox): Promise<Mailbox>;
  getMailbox(id: string): Promise<Mailbox | null>;
  listMailboxes(): Promise<Mailbox[]>;
  deleteMailbox(id: string): Promise<void>;

  // Prospects and audience -----------------------------------------------------------------
  /** Inserts or updates prospects by lower-case email, all or nothing. */
  upsertProspects(prospects: ProspectUpsert[], now: Date): Promise<UpsertedProspect[]>;
  getProspects(ids: string[]): Promise<Prospect[]>;
  /** Prospects matching a filter, by score then email; `total` counts all matches. */
  findProspects(
    filter: ProspectFilter,
    page: { limit: number; offset: number },
  ): Promise<{ total: number; rows: Prospect[] }>;
  /** The counts an enroll with this filter would see, computed in the store. */
  previewAudience(request: AudiencePreviewRequest): Promise<AudiencePreview>;
  /** Enrolls matching prospects as leads, set-based; duplicates and suppressed addresses are skipped. */
  enrollProspects(request: EnrollRequest): Promise<EnrollResult>;

  /** Inserts or replaces a saved audience by id. */
  saveAudience(audience: SavedAudience): Promise<SavedAudience>;
  getAudience(id: string): Promise<SavedAudience | null>;
  /** Saved audiences by name. */
  listAudiences(): Promise<SavedAudience[]>;
  deleteAudience(id: string): Promise<void>;

  // Leads ----------------------------------------------------------------------------------
  getLead(id: string): Promise<Lead | null>;
  /** The lead of a prospect in a campaign. */
  findLead(campaignId: string, prospectId: string): Promise<Lead | null>;
  listLeads(
    campaignId: string,
    options: { status?: LeadStatus; limit: number; offset: number },
  ): Promise<Lead[]>;
  /** Applies changes fenced on each lead's version; returns the ids applied (others changed meanwhile). */
  applyLeadChanges(changes: LeadChange[]): Promise<{ applied: string[]; conflicts: string[] }>;
  /** Paused leads whose `pausedUntil` has passed, for the engine to resume. */
  findLeadsToResume(now: Date, limit: number): Promise<Lead[]>;

  // Dispatch -------------------------------------------------------------------------------
  /**
   * Claims up to `limit` due leads of a campaign (active, `next_email_at <= now`, not under a live
   * lease, or under an expired one) and reserves their quota, atomically. Due order: `next_email_at`.
   */
  claimDueLeads(request: ClaimRequest): Promise<ClaimedLead[]>;
  /** Threads of earlier steps for follow-ups sent as replies: lead id → its outbound emails in step order. */
  getThreads(leadIds: string[]): Promise<Map<string, EmailRecord[]>>;
  /** Records emails as `sending` before their transport call; unique per (lead, step). */
  beginSends(emails: NewEmail[], now: Date): Promise<BeginSendsResult>;
  /** Records send outcomes in one transaction, fenced on each lease. */
  completeSends(outcomes: SendOutcomeWrite[]): Promise<CompleteSendsResult>;
  /** Gives claimed leads back without sending. */
  releaseLeads(releases: LeadRelease[], now: Date): Promise<void>;
  /**
   * Extends to `leaseExpiresAt` the lease of each lead still held under `leaseToken`, expired or not
   * (no one else has written under a token no claim replaced), whatever the lead's status; returns the
   * ids extended. A lead claimed again, released or completed since is left alone and not returned.
   * Optional: a store without it holds a batch's leads for `leaseMs` from the claim, however long the
   * batch's sends take.
   */
  renewLeases?(renewal: LeaseRenewal): Promise<string[]>;
  /**
   * Sends left `sending` by a worker that died after its lead stopped being active (a reply or pause
   * arrived mid-send), whose lease has run out: marks them `unknown`, records the step on the lead and
   * clears its lease. Returns them. (Sends of leads still active are recovered by the next claim.)
   */
  recoverAbandonedSends(now: Date, limit: number): Promise<EmailRecord[]>;
  /** Quota used for a key on a day. */
  getQuotaUsage(key: string, day: string): Promise<number>;
  /**
   * Records sender holds, one per key: a key already held keeps whichever hold ends later (its
   * `heldAt`, `until` and `reason`) and the most strikes of the two. Optional, with the two below: a
   * store without them leaves each engine to hold senders on its own, in memory.
   */
  holdSenders?(holds: SenderHold[]): Promise<void>;
  /** Ends the holds of these keys set at or before `at` (a send through the sender went through). */
  releaseSenders?(keys: string[], at: Date): Promise<void>;
  /** Every sender hold not yet released, whether it has run out or not. */
  listSenderHolds?(): Promise<SenderHold[]>;

  // Emails and tracking --------------------------------------------------------------------
  getEmail(id: string): Promise<EmailRecord | null>;
  /**
   * Finds outbound emails whose `messageId` or `providerMessageId` is one of these (inbound reply
   * matching).
   */
  findEmailsByMessageId(messageIds: string[]): Promise<EmailRecord[]>;
  listEmails(query: {
    campaignId?: string;
    leadId?: string;
    limit: number;
    offset: number;
  }): Promise<EmailRecord[]>;
  /** What tracking needs of these outbound emails (one read for the batch); unknown ids are left out. */
  getTrackingTargets(emailIds: string[]): Promise<TrackingTarget[]>;
  /** Records opens and clicks; unique counters move only on an email's first human engagement. */
  recordEngagements(engagements: EngagementWrite[]): Promise<EngagementResult[]>;
  /**
   * Newest outbound email to each of these addresses (lower-case) created at or after `since`, at most
   * one per address; addresses without one are left out. For inbound mail that names only its sender
   * or recipient (an unsubscribe by mail, a report without the returned message's headers).
   */
  findLastEmailsTo(addresses: string[], since: Date): Promise<EmailRecord[]>;
  /**
   * Stores an inbound email (a reply) linked to what it answers, once per Message-ID: returns false,
   * storing nothing, when an inbound email with the same `messageId` is already stored (a webhook
   * delivered twice).
   */
  saveInboundEmail(email: EmailRecord): Promise<boolean>;
  /**
   * Stamps `replied_at`, `bounced_at` or `complained_at` on an outbound email if unset; returns whether
   * it was unset. A bounce, hard or soft, is stamped once: the stamp is what counts it once.
   */
  markEmail(emailId: string, mark: "replied" | "bounced" | "complained", at: Date): Promise<boolean>;

  // Suppression ----------------------------------------------------------------------------
  suppress(entries: Suppression[]): Promise<void>;
  /** The subset of `emails` (lower-case) that is suppressed. */
  findSuppressed(emails: string[]): Promise<Set<string>>;
  listSuppressions(page: { limit: number; offset: number }): Promise<Suppression[]>;

  // Metrics and events ---------------------------------------------------------------------
  /** Counters of one campaign, read from counter rows (never recounted). */
  getCounters(campaignId: string): Promise<CampaignCounters>;
  /** Per-day counters (days in the campaign's time zone, inclusive range), from daily counter rows. */
  getDailyActivity(campaignId: string, range: { fromDay: string; toDay: string }): Promise<DailyActivity[]>;
  appendEvents(events: NewEvent[]): Promise<void>;
  /** Events oldest first (by time, then id); `after` is the id of the last event already seen. */
  listEvents(query: {
    campaignId?: string;
    leadId?: string;
    kinds?: EventKind[];
    limit: number;
    after?: string;
  }): Promise<StoredEvent[]>;

  /**
   * Runs the integrity checks (the audit's section 8, plus counters against email records and leases
   * on finished leads) and returns one finding per failed check; empty when healthy.
   */
  audit(): Promise<AuditFinding[]>;

  /** Releases connections the store opened itself. */
  close?(): Promise<void>;
}
