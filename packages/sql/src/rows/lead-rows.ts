import type { AddedBy, Lead, LeadStatus, VariantName } from "@cadenza/core";
import type { Selectable } from "kysely";
import type { CampaignLeadsTable } from "../database.js";
import { readBool, readTime, readTimeOrNull } from "../read-values.js";

/** A `campaign_leads` row as a Lead. */
export function toLead(row: Selectable<CampaignLeadsTable>): Lead {
  return {
    id: row.id,
    campaignId: row.campaign_id,
    prospectId: row.prospect_id,
    mailboxId: row.mailbox_id,
    currentStep: row.current_step,
    status: row.status as LeadStatus,
    assignedVariant: row.assigned_variant as VariantName | null,
    lastEmailAt: readTimeOrNull(row.last_email_at),
    nextEmailAt: readTimeOrNull(row.next_email_at),
    emailsSent: row.emails_sent,
    emailsOpened: row.emails_opened,
    hasReplied: readBool(row.has_replied),
    repliedAt: readTimeOrNull(row.replied_at),
    addedBy: row.added_by as AddedBy | null,
    notes: row.notes,
    attempts: row.attempts,
    lastError: row.last_error,
    pausedUntil: readTimeOrNull(row.paused_until),
    version: row.version,
    createdAt: readTime(row.created_at),
    updatedAt: readTime(row.updated_at),
  };
}
