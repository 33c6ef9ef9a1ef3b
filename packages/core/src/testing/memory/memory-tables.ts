import {
  AUDIT_COUNTER_COLUMNS,
  type CounterDelta,
  emptyStepCounters,
  leadCountDeltas,
  type StepCounterField,
  type StepCounters,
} from "../../analytics/counters.js";
import type { Prospect } from "../../audience/prospect.js";
import type { Campaign } from "../../campaign/campaign.js";
import type { VariantName } from "../../campaign/campaign-schema.js";
import type { EmailRecord } from "../../dispatch/email-record.js";
import type { Mailbox } from "../../dispatch/mailbox-schema.js";
import type { Lead, LeadStatus } from "../../lead/lead.js";
import type { NewEvent, SavedAudience, SenderHold, Suppression } from "../../ports.js";

/** A lead plus the lease the store keeps on it. */
export interface LeadRow extends Lead {
  leaseToken: string | null;
  leaseExpiresAt: Date | null;
}

/** An email plus the lease it was created under (to tell a stale attempt from a live one). */
export interface EmailRow extends EmailRecord {
  leaseToken: string | null;
}

export interface CampaignTotals {
  emailsSent: number;
  emailsOpened: number;
  repliesReceived: number;
  leadsCount: number;
  activeLeads: number;
  completedLeads: number;
}

/** The in-memory tables. Every store method runs synchronously over them, so each is atomic. */
export class MemoryTables {
  campaigns = new Map<string, Campaign>();
  totals = new Map<string, CampaignTotals>();
  /** `${campaignId}|${step}|${variant}` → counters. */
  stepCounters = new Map<string, StepCounters>();
  /** `${campaignId}|${day}` → counters. */
  dailyCounters = new Map<string, StepCounters>();
  mailboxes = new Map<string, Mailbox & { nextFreeAt: Date | null }>();
  prospects = new Map<string, Prospect>();
  prospectByEmail = new Map<string, string>();
  leads = new Map<string, LeadRow>();
  leadByPair = new Map<string, string>();
  emails = new Map<string, EmailRow>();
  /** `${leadId}|${step}` → outbound email id. */
  emailByLeadStep = new Map<string, string>();
  suppressions = new Map<string, Suppression>();
  /** `${key}|${day}` → used. */
  quotas = new Map<string, number>();
  /** Sender key → its hold. */
  senderHolds = new Map<string, SenderHold>();
  events: NewEvent[] = [];
  audiences = new Map<string, SavedAudience>();

  totalsOf(campaignId: string): CampaignTotals {
    let t = this.totals.get(campaignId);
    if (!t) {
      t = {
        emailsSent: 0,
        emailsOpened: 0,
        repliesReceived: 0,
        leadsCount: 0,
        activeLeads: 0,
        completedLeads: 0,
      };
      this.totals.set(campaignId, t);
    }
    return t;
  }

  /** Applies counter deltas to the step/variant rows, the daily rows and the campaign's audit totals. */
  applyCounters(deltas: readonly CounterDelta[]): void {
    for (const d of deltas) {
      if (!this.campaigns.has(d.campaignId)) continue;
      this.bump(this.stepCounters, `${d.campaignId}|${d.stepNumber}|${d.variant}`, d.field, d.by);
      this.bump(this.dailyCounters, `${d.campaignId}|${d.day}`, d.field, d.by);
      const column = AUDIT_COUNTER_COLUMNS[d.field].campaign;
      const totals = this.totalsOf(d.campaignId);
      if (column === "emails_sent") totals.emailsSent += d.by;
      else if (column === "emails_opened") totals.emailsOpened += d.by;
      else if (column === "replies_received") totals.repliesReceived += d.by;
    }
  }

  sentDelta(email: EmailRow, field: StepCounterField, by: number): CounterDelta | null {
    if (!email.campaignId || email.stepNumber === null || !email.variant || !email.counterDay) return null;
    return {
      campaignId: email.campaignId,
      stepNumber: email.stepNumber,
      variant: email.variant as VariantName,
      field,
      by,
      day: email.counterDay,
    };
  }

  /** Moves the campaign's lead-count totals for a status change. */
  moveLeadCounts(campaignId: string, from: LeadStatus | null, to: LeadStatus | null): void {
    const d = leadCountDeltas(from, to);
    const t = this.totalsOf(campaignId);
    t.leadsCount += d.leadsCount;
    t.activeLeads += d.activeLeads;
    t.completedLeads += d.completedLeads;
  }

  suppress(entry: Suppression): void {
    const email = entry.email.toLowerCase();
    if (!this.suppressions.has(email)) this.suppressions.set(email, { ...entry, email });
  }

  private bump(table: Map<string, StepCounters>, key: string, field: StepCounterField, by: number): void {
    let row = table.get(key);
    if (!row) {
      row = emptyStepCounters();
      table.set(key, row);
    }
    row[field] += by;
  }
}

/** Deep-enough copy so callers never hold references into the tables. */
export function clone<T>(value: T): T {
  return structuredClone(value);
}
