import type { CampaignCounters, StepVariantCounters } from "../../analytics/counters.js";
import type { Campaign } from "../../campaign/campaign.js";
import type { VariantName } from "../../campaign/campaign-schema.js";
import type { EmailRecord } from "../../dispatch/email-record.js";
import type { Mailbox } from "../../dispatch/mailbox-schema.js";
import { CadenzaError } from "../../errors.js";
import { LEAD_STATUSES, type Lead, type LeadStatus } from "../../lead/lead.js";
import type { DailyActivity, Store } from "../../ports.js";
import { enrollProspects, previewAudience } from "./memory-audience.js";
import { auditTables } from "./memory-audit.js";
import {
  applyLeadChanges,
  beginSends,
  claimDueLeads,
  completeSends,
  recordEngagements,
  recoverAbandonedSends,
  releaseLeads,
  renewLeases,
} from "./memory-dispatch.js";
import { clone, type EmailRow, type LeadRow, MemoryTables } from "./memory-tables.js";
import { compareProspects, matchesFilter } from "./prospect-filter-match.js";

function plainLead(row: LeadRow): Lead {
  const { leaseToken: _t, leaseExpiresAt: _e, ...lead } = row;
  return clone(lead);
}

function plainEmail(row: EmailRow): EmailRecord {
  const { leaseToken: _t, ...email } = row;
  return clone(email);
}

/** Created later, or at the same time with the larger id: the order the SQL stores read. */
function newer(a: EmailRow, b: EmailRow): boolean {
  return (
    a.createdAt.getTime() > b.createdAt.getTime() ||
    (a.createdAt.getTime() === b.createdAt.getTime() && a.id > b.id)
  );
}

function plainMailbox(row: Mailbox & { nextFreeAt: Date | null }): Mailbox {
  const { nextFreeAt: _n, ...mailbox } = row;
  return clone(mailbox);
}

/**
 * The reference implementation of the store port, in memory. Each method runs synchronously over
 * the tables, so every operation is atomic even with many engines sharing one store.
 *
 * ```ts
 * const cadenza = createCadenza({ store: memoryStore(), transport, ...runtime });
 * ```
 */
export function memoryStore(): Store & { readonly tables: MemoryTables } {
  const t = new MemoryTables();
  const campaignOrThrow = (id: string): Campaign => {
    const c = t.campaigns.get(id);
    if (!c)
      throw new CadenzaError("NOT_FOUND", { message: `Campaign ${id} does not exist`, details: { id } });
    return c;
  };
  return {
    name: "memory",
    tables: t,

    async createCampaign(input) {
      if (t.campaigns.has(input.id)) throw new CadenzaError("CONFLICT", { details: { id: input.id } });
      const campaign: Campaign = {
        ...input,
        steps: input.steps.map((s) => ({ ...s, campaignId: input.id })),
        winnerVariant: null,
        updatedAt: input.createdAt,
      };
      t.campaigns.set(campaign.id, campaign);
      t.totalsOf(campaign.id);
      return clone(campaign);
    },
    async updateCampaign(id, patch) {
      const current = campaignOrThrow(id);
      const { steps, ...rest } = patch;
      const next: Campaign = {
        ...current,
        ...rest,
        steps: steps ? steps.map((s) => ({ ...s, campaignId: id })) : current.steps,
      };
      t.campaigns.set(id, next);
      if (patch.mailboxIds) {
        const listed = new Set(patch.mailboxIds);
        const stranded = [...t.leads.values()]
          .filter(
            (l) =>
              l.campaignId === id &&
              (l.status === "active" || l.status === "paused") &&
              l.mailboxId !== null &&
              !listed.has(l.mailboxId),
          )
          .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
        for (const [i, lead] of stranded.entries()) {
          lead.mailboxId =
            patch.mailboxIds.length > 0 ? (patch.mailboxIds[i % patch.mailboxIds.length] ?? null) : null;
          lead.updatedAt = patch.updatedAt;
        }
      }
      return clone(next);
    },
    async getCampaign(id) {
      const c = t.campaigns.get(id);
      return c ? clone(c) : null;
    },
    async listCampaigns(options) {
      return [...t.campaigns.values()]
        .filter((c) => options?.active === undefined || c.active === options.active)
        .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1))
        .map(clone);
    },
    async deleteCampaign(id) {
      t.campaigns.delete(id);
      t.totals.delete(id);
      for (const [leadId, lead] of t.leads) {
        if (lead.campaignId !== id) continue;
        t.leads.delete(leadId);
        t.leadByPair.delete(`${lead.campaignId}|${lead.prospectId}`);
      }
      for (const key of [...t.stepCounters.keys()]) if (key.startsWith(`${id}|`)) t.stepCounters.delete(key);
      for (const key of [...t.dailyCounters.keys()])
        if (key.startsWith(`${id}|`)) t.dailyCounters.delete(key);
      for (const email of t.emails.values()) {
        if (email.campaignId === id) {
          email.campaignId = null;
          email.leadId = null;
        }
      }
    },

    async saveMailbox(mailbox) {
      const existing = t.mailboxes.get(mailbox.id);
      t.mailboxes.set(mailbox.id, { ...clone(mailbox), nextFreeAt: existing?.nextFreeAt ?? null });
      return clone(mailbox);
    },
    async getMailbox(id) {
      const m = t.mailboxes.get(id);
      return m ? plainMailbox(m) : null;
    },
    async listMailboxes() {
      return [...t.mailboxes.values()].sort((a, b) => (a.id < b.id ? -1 : 1)).map(plainMailbox);
    },
    async deleteMailbox(id) {
      t.mailboxes.delete(id);
      for (const lead of t.leads.values()) if (lead.mailboxId === id) lead.mailboxId = null;
    },

    async upsertProspects(prospects, now) {
      const seen = new Set<string>();
      for (const p of prospects) {
        if (seen.has(p.email))
          throw new CadenzaError("CONFLICT", { message: `Duplicate email ${p.email} in one batch` });
        seen.add(p.email);
      }
      return prospects.map((p) => {
        const existingId = t.prospectByEmail.get(p.email);
        if (existingId) {
          const existing = t.prospects.get(existingId)!;
          t.prospects.set(existingId, {
            ...clone(p),
            id: existingId,
            createdAt: existing.createdAt,
            updatedAt: now,
          });
          return { id: existingId, email: p.email, created: false };
        }
        t.prospects.set(p.id, { ...clone(p), createdAt: now, updatedAt: now });
        t.prospectByEmail.set(p.email, p.id);
        return { id: p.id, email: p.email, created: true };
      });
    },
    async getProspects(ids) {
      return ids.flatMap((id) => {
        const p = t.prospects.get(id);
        return p ? [clone(p)] : [];
      });
    },
    async findProspects(filter, page) {
      const rows = [...t.prospects.values()].filter((p) => matchesFilter(p, filter)).sort(compareProspects);
      return { total: rows.length, rows: rows.slice(page.offset, page.offset + page.limit).map(clone) };
    },
    async previewAudience(request) {
      campaignOrThrow(request.campaignId);
      return previewAudience(t, request);
    },
    async enrollProspects(request) {
      campaignOrThrow(request.campaignId);
      return enrollProspects(t, request);
    },

    async saveAudience(audience) {
      t.audiences.set(audience.id, clone(audience));
      return clone(audience);
    },
    async getAudience(id) {
      const a = t.audiences.get(id);
      return a ? clone(a) : null;
    },
    async listAudiences() {
      return [...t.audiences.values()]
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.id < b.id ? -1 : 1))
        .map(clone);
    },
    async deleteAudience(id) {
      t.audiences.delete(id);
    },

    async getLead(id) {
      const l = t.leads.get(id);
      return l ? plainLead(l) : null;
    },
    async findLead(campaignId, prospectId) {
      const id = t.leadByPair.get(`${campaignId}|${prospectId}`);
      return id ? plainLead(t.leads.get(id)!) : null;
    },
    async listLeads(campaignId, options) {
      return [...t.leads.values()]
        .filter(
          (l) => l.campaignId === campaignId && (options.status === undefined || l.status === options.status),
        )
        .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : 1))
        .slice(options.offset, options.offset + options.limit)
        .map(plainLead);
    },
    async applyLeadChanges(changes) {
      return applyLeadChanges(t, changes);
    },
    async findLeadsToResume(now, limit) {
      return [...t.leads.values()]
        .filter(
          (l) => l.status === "paused" && l.pausedUntil !== null && l.pausedUntil.getTime() <= now.getTime(),
        )
        .sort((a, b) => a.pausedUntil!.getTime() - b.pausedUntil!.getTime())
        .slice(0, limit)
        .map(plainLead);
    },

    async claimDueLeads(request) {
      return claimDueLeads(t, request);
    },
    async getThreads(leadIds) {
      const threads = new Map<string, EmailRecord[]>();
      const wanted = new Set(leadIds);
      for (const email of t.emails.values()) {
        if (email.direction !== "outbound" || !email.leadId || !wanted.has(email.leadId)) continue;
        const list = threads.get(email.leadId) ?? [];
        list.push(plainEmail(email));
        threads.set(email.leadId, list);
      }
      for (const list of threads.values()) list.sort((a, b) => (a.stepNumber ?? 0) - (b.stepNumber ?? 0));
      return threads;
    },
    async beginSends(emails, now) {
      return beginSends(t, emails, now);
    },
    async completeSends(outcomes) {
      return completeSends(t, outcomes);
    },
    async releaseLeads(releases, now) {
      releaseLeads(t, releases, now);
    },
    async renewLeases(renewal) {
      return renewLeases(t, renewal);
    },
    async recoverAbandonedSends(now, limit) {
      return recoverAbandonedSends(t, now, limit).map(plainEmail);
    },
    async getQuotaUsage(key, day) {
      return t.quotas.get(`${key}|${day}`) ?? 0;
    },
    async holdSenders(holds) {
      for (const hold of holds) {
        const held = t.senderHolds.get(hold.key);
        const later = !held || hold.until.getTime() > held.until.getTime() ? hold : held;
        t.senderHolds.set(hold.key, { ...clone(later), strikes: Math.max(hold.strikes, held?.strikes ?? 0) });
      }
    },
    async releaseSenders(keys, at) {
      for (const key of keys) {
        const held = t.senderHolds.get(key);
        if (held && held.heldAt.getTime() <= at.getTime()) t.senderHolds.delete(key);
      }
    },
    async listSenderHolds() {
      return [...t.senderHolds.values()].map((h) => clone(h));
    },

    async getEmail(id) {
      const e = t.emails.get(id);
      return e ? plainEmail(e) : null;
    },
    async findEmailsByMessageId(messageIds) {
      const wanted = new Set(messageIds);
      return [...t.emails.values()]
        .filter(
          (e) =>
            e.direction === "outbound" &&
            (wanted.has(e.messageId) || (e.providerMessageId !== null && wanted.has(e.providerMessageId))),
        )
        .map(plainEmail);
    },
    async listEmails(query) {
      return [...t.emails.values()]
        .filter(
          (e) =>
            (query.campaignId === undefined || e.campaignId === query.campaignId) &&
            (query.leadId === undefined || e.leadId === query.leadId),
        )
        .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : 1))
        .slice(query.offset, query.offset + query.limit)
        .map(plainEmail);
    },
    async getTrackingTargets(emailIds) {
      return [...new Set(emailIds)].flatMap((id) => {
        const e = t.emails.get(id);
        if (e?.direction !== "outbound") return [];
        const campaign = e.campaignId ? t.campaigns.get(e.campaignId) : undefined;
        return [
          {
            id: e.id,
            campaignId: e.campaignId,
            leadId: e.leadId,
            links: [...e.links],
            toEmail: e.toEmail,
            sentAt: e.sentAt,
            createdAt: e.createdAt,
            timezone: campaign?.timezone ?? "UTC",
          },
        ];
      });
    },
    async recordEngagements(engagements) {
      return recordEngagements(t, engagements);
    },
    async findLastEmailsTo(addresses, since) {
      const wanted = new Set(addresses);
      const last = new Map<string, EmailRow>();
      for (const e of t.emails.values()) {
        if (e.direction !== "outbound" || !wanted.has(e.toEmail) || e.createdAt < since) continue;
        const seen = last.get(e.toEmail);
        if (!seen || newer(e, seen)) last.set(e.toEmail, e);
      }
      return [...last.values()].map(plainEmail);
    },
    async saveInboundEmail(email) {
      for (const e of t.emails.values()) {
        if (e.direction === "inbound" && e.messageId === email.messageId) return false;
      }
      if (t.emails.has(email.id)) throw new CadenzaError("CONFLICT", { details: { id: email.id } });
      t.emails.set(email.id, { ...clone(email), direction: "inbound", leaseToken: null });
      return true;
    },
    async markEmail(emailId, mark, at) {
      const e = t.emails.get(emailId);
      if (e?.direction !== "outbound") return false;
      if (mark === "replied") {
        if (e.repliedAt) return false;
        e.repliedAt = at;
        if (e.status === "sent" || e.status === "opened") e.status = "replied";
        return true;
      }
      if (mark === "complained") {
        if (e.complainedAt) return false;
        e.complainedAt = at;
        return true;
      }
      if (e.bouncedAt) return false;
      e.bouncedAt = at;
      e.status = "bounced";
      return true;
    },

    async suppress(entries) {
      for (const entry of entries) t.suppress(entry);
    },
    async findSuppressed(emails) {
      return new Set(emails.map((e) => e.toLowerCase()).filter((e) => t.suppressions.has(e)));
    },
    async listSuppressions(page) {
      return [...t.suppressions.values()]
        .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.email < b.email ? -1 : 1))
        .slice(page.offset, page.offset + page.limit)
        .map(clone);
    },

    async getCounters(campaignId): Promise<CampaignCounters> {
      campaignOrThrow(campaignId);
      const totals = t.totalsOf(campaignId);
      const leadsByStatus = Object.fromEntries(LEAD_STATUSES.map((s) => [s, 0])) as Record<
        LeadStatus,
        number
      >;
      for (const lead of t.leads.values())
        if (lead.campaignId === campaignId) leadsByStatus[lead.status] += 1;
      const steps: StepVariantCounters[] = [];
      for (const [key, counters] of t.stepCounters) {
        const [id, step, variant] = key.split("|");
        if (id !== campaignId) continue;
        steps.push({ ...counters, stepNumber: Number(step), variant: variant as VariantName });
      }
      steps.sort((a, b) => a.stepNumber - b.stepNumber || (a.variant < b.variant ? -1 : 1));
      return { campaignId, ...totals, leadsByStatus, steps };
    },
    async getDailyActivity(campaignId, range) {
      const days: DailyActivity[] = [];
      for (const [key, counters] of t.dailyCounters) {
        const [id, day] = key.split("|") as [string, string];
        if (id !== campaignId || day < range.fromDay || day > range.toDay) continue;
        days.push({ day, ...counters });
      }
      return days.sort((a, b) => (a.day < b.day ? -1 : 1));
    },
    async audit() {
      return auditTables(t);
    },
    async appendEvents(events) {
      t.events.push(...events.map(clone));
    },
    async listEvents(query) {
      let list = [...t.events].sort((a, b) => a.at.getTime() - b.at.getTime() || (a.id < b.id ? -1 : 1));
      list = list.filter(
        (e) =>
          (query.campaignId === undefined || e.campaignId === query.campaignId) &&
          (query.leadId === undefined || e.leadId === query.leadId) &&
          (query.kinds === undefined || query.kinds.includes(e.kind)),
      );
      if (query.after !== undefined) {
        const index = list.findIndex((e) => e.id === query.after);
        list = index >= 0 ? list.slice(index + 1) : list;
      }
      return list.slice(0, query.limit).map(clone);
    },
  };
}
