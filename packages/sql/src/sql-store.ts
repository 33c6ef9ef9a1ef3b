import {
  type AuditFinding,
  CadenzaError,
  coerceError,
  type EnrollRequest,
  type EnrollResult,
  type LeaseRenewal,
  type SenderHold,
  type Store,
} from "@cadenza/core";
import type { Kysely } from "kysely";
import { audit } from "./audit/audit.js";
import type { CadenzaDatabase } from "./database.js";
import { checkSchema, type MigrateResult, migrate } from "./migrate/migrate.js";
import { appendEvents } from "./operations/append-events.js";
import { applyLeadChanges } from "./operations/apply-lead-changes.js";
import { beginSends } from "./operations/begin-sends.js";
import { claimDueLeads } from "./operations/claim-due-leads.js";
import { completeSends } from "./operations/complete-sends.js";
import { createCampaign } from "./operations/create-campaign.js";
import { deleteCampaign } from "./operations/delete-campaign.js";
import { deleteMailbox } from "./operations/delete-mailbox.js";
import { enrollProspects } from "./operations/enroll-prospects.js";
import { findLastEmailsTo } from "./operations/find-last-emails-to.js";
import { findSuppressed, listSuppressions } from "./operations/find-suppressed.js";
import { getCampaign, listCampaigns } from "./operations/get-campaigns.js";
import { getCounters } from "./operations/get-counters.js";
import { getDailyActivity } from "./operations/get-daily-activity.js";
import { findEmailsByMessageId, getEmail, listEmails } from "./operations/get-emails.js";
import { findLead, findLeadsToResume, getLead, listLeads } from "./operations/get-leads.js";
import { getMailbox, listMailboxes } from "./operations/get-mailboxes.js";
import { findProspects, getProspects } from "./operations/get-prospects.js";
import { getQuotaUsage } from "./operations/get-quota-usage.js";
import { getThreads } from "./operations/get-threads.js";
import { getTrackingTargets } from "./operations/get-tracking-targets.js";
import { listEvents } from "./operations/list-events.js";
import { markEmail } from "./operations/mark-email.js";
import { previewAudience } from "./operations/preview-audience.js";
import { recordEngagements } from "./operations/record-engagements.js";
import { recoverAbandonedSends } from "./operations/recover-abandoned-sends.js";
import { releaseLeads } from "./operations/release-leads.js";
import { renewLeases } from "./operations/renew-leases.js";
import { saveInboundEmail } from "./operations/save-inbound-email.js";
import { saveMailbox } from "./operations/save-mailbox.js";
import { deleteAudience, getAudience, listAudiences, saveAudience } from "./operations/saved-audiences.js";
import { holdSenders, listSenderHolds, releaseSenders } from "./operations/sender-holds.js";
import { suppress } from "./operations/suppress.js";
import { updateCampaign } from "./operations/update-campaign.js";
import { upsertProspects } from "./operations/upsert-prospects.js";
import type { SqlContext } from "./sql-context.js";
import type { SqlDialect } from "./sql-dialect.js";

/** What an adapter hands `createSqlStore`. */
export interface SqlStoreConfig {
  db: Kysely<CadenzaDatabase>;
  dialect: SqlDialect;
  /** Apply pending migrations on first use; otherwise the first use only checks the schema version. */
  migrate?: boolean;
  /** Releases what the adapter opened itself (never a database or pool the host handed in). */
  close: () => Promise<void>;
}

/**
 * An enrollment as a SQL store takes it: `newIds`, when given, makes the ids of all new leads in one
 * call (in enrollment order) instead of one `newId()` call each, and may answer later: a store
 * running in another thread asks the host's id generator for them in one message.
 */
export interface SqlEnrollRequest extends EnrollRequest {
  newIds?: (count: number) => Promise<string[]>;
}

/** A Store backed by SQL, with the operations only SQL stores have. */
export interface SqlStore extends Store {
  /** Applies pending migrations (idempotent; refuses a database newer than this code). */
  migrate(): Promise<MigrateResult>;
  /** Runs the audit's consistency checks and the store's own; returns the failing ones. */
  audit(options?: { now?: Date }): Promise<AuditFinding[]>;
  enrollProspects(request: SqlEnrollRequest): Promise<EnrollResult>;
  renewLeases(renewal: LeaseRenewal): Promise<string[]>;
  holdSenders(holds: SenderHold[]): Promise<void>;
  releaseSenders(keys: string[], at: Date): Promise<void>;
  listSenderHolds(): Promise<SenderHold[]>;
  close(): Promise<void>;
}

/**
 * Builds the Store every SQL adapter returns: each method runs its operation file against the
 * adapter's Kysely instance and dialect, and driver errors leave as CadenzaErrors.
 *
 * ```ts
 * const store = createSqlStore({ db, dialect: postgresDialect("cadenza"), close: () => db.destroy() });
 * await store.migrate();
 * ```
 */
export function createSqlStore(config: SqlStoreConfig): SqlStore {
  const { db, dialect } = config;
  const ctx: SqlContext = { db, dialect };
  let ready: Promise<unknown> | null = null;
  let closed = false;
  const refuseClosed = () => {
    if (closed) {
      throw new CadenzaError("STORE_UNAVAILABLE", {
        message: `The ${dialect.name} store (${dialect.location}) is closed`,
        details: { location: dialect.location },
      });
    }
  };

  const toStoreError = (thrown: unknown): Error => {
    if (thrown instanceof CadenzaError) return thrown;
    const mapped = dialect.mapError(coerceError(thrown));
    if (mapped instanceof CadenzaError) return mapped;
    return new CadenzaError("STORE_ERROR", {
      message: `The ${dialect.name} store (${dialect.location}) failed: ${mapped.message}`,
      details: { location: dialect.location },
      cause: mapped,
    });
  };
  const ensureReady = () => {
    ready ??= (config.migrate ? migrate(db, dialect) : checkSchema(db, dialect)).catch((error: unknown) => {
      ready = null;
      throw error;
    });
    return ready;
  };
  const run = async <T>(operation: (ctx: SqlContext) => Promise<T>): Promise<T> => {
    try {
      refuseClosed();
      await ensureReady();
      return await operation(ctx);
    } catch (error) {
      throw toStoreError(error);
    }
  };

  return {
    name: dialect.name,
    async migrate() {
      try {
        refuseClosed();
        const result = await migrate(db, dialect);
        ready = Promise.resolve(result);
        return result;
      } catch (error) {
        throw toStoreError(error);
      }
    },
    audit: (options = {}) => run(() => audit(db, dialect, options.now)),
    async close() {
      if (closed) return;
      closed = true;
      await config.close();
    },

    createCampaign: (campaign) => run((c) => createCampaign(c, campaign)),
    updateCampaign: (id, patch) => run((c) => updateCampaign(c, id, patch)),
    getCampaign: (id) => run((c) => getCampaign(c, id)),
    listCampaigns: (options) => run((c) => listCampaigns(c, options)),
    deleteCampaign: (id) => run((c) => deleteCampaign(c, id)),

    saveMailbox: (mailbox) => run((c) => saveMailbox(c, mailbox)),
    getMailbox: (id) => run((c) => getMailbox(c, id)),
    listMailboxes: () => run((c) => listMailboxes(c)),
    deleteMailbox: (id) => run((c) => deleteMailbox(c, id)),

    upsertProspects: (prospects, now) => run((c) => upsertProspects(c, prospects, now)),
    getProspects: (ids) => run((c) => getProspects(c, ids)),
    findProspects: (filter, page) => run((c) => findProspects(c, filter, page)),
    previewAudience: (request) => run((c) => previewAudience(c, request)),
    enrollProspects: (request) => run((c) => enrollProspects(c, request)),

    saveAudience: (audience) => run((c) => saveAudience(c, audience)),
    getAudience: (id) => run((c) => getAudience(c, id)),
    listAudiences: () => run((c) => listAudiences(c)),
    deleteAudience: (id) => run((c) => deleteAudience(c, id)),

    getLead: (id) => run((c) => getLead(c, id)),
    findLead: (campaignId, prospectId) => run((c) => findLead(c, campaignId, prospectId)),
    listLeads: (campaignId, options) => run((c) => listLeads(c, campaignId, options)),
    applyLeadChanges: (changes) => run((c) => applyLeadChanges(c, changes)),
    findLeadsToResume: (now, limit) => run((c) => findLeadsToResume(c, now, limit)),

    claimDueLeads: (request) => run((c) => claimDueLeads(c, request)),
    getThreads: (leadIds) => run((c) => getThreads(c, leadIds)),
    beginSends: (emails, now) => run((c) => beginSends(c, emails, now)),
    completeSends: (outcomes) => run((c) => completeSends(c, outcomes)),
    releaseLeads: (releases, now) => run((c) => releaseLeads(c, releases, now)),
    renewLeases: (renewal) => run((c) => renewLeases(c, renewal)),
    recoverAbandonedSends: (now, limit) => run((c) => recoverAbandonedSends(c, now, limit)),
    getQuotaUsage: (key, day) => run((c) => getQuotaUsage(c, key, day)),
    holdSenders: (holds) => run((c) => holdSenders(c, holds)),
    releaseSenders: (keys, at) => run((c) => releaseSenders(c, keys, at)),
    listSenderHolds: () => run((c) => listSenderHolds(c)),

    getEmail: (id) => run((c) => getEmail(c, id)),
    findEmailsByMessageId: (messageIds) => run((c) => findEmailsByMessageId(c, messageIds)),
    listEmails: (query) => run((c) => listEmails(c, query)),
    getTrackingTargets: (emailIds) => run((c) => getTrackingTargets(c, emailIds)),
    recordEngagements: (engagements) => run((c) => recordEngagements(c, engagements)),
    findLastEmailsTo: (addresses, since) => run((c) => findLastEmailsTo(c, addresses, since)),
    saveInboundEmail: (email) => run((c) => saveInboundEmail(c, email)),
    markEmail: (emailId, mark, at) => run((c) => markEmail(c, emailId, mark, at)),

    suppress: (entries) => run((c) => suppress(c, entries)),
    findSuppressed: (emails) => run((c) => findSuppressed(c, emails)),
    listSuppressions: (page) => run((c) => listSuppressions(c, page)),

    getCounters: (campaignId) => run((c) => getCounters(c, campaignId)),
    getDailyActivity: (campaignId, range) => run((c) => getDailyActivity(c, campaignId, range)),
    appendEvents: (events) => run((c) => appendEvents(c, events)),
    listEvents: (query) => run((c) => listEvents(c, query)),
  };
}
