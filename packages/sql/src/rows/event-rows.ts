import type { EventKind, NewEvent, StoredEvent, Suppression } from "@cadenza/core";
import type { Insertable, Selectable } from "kysely";
import type { EventsTable, SuppressionsTable } from "../database.js";
import { readTime } from "../read-values.js";
import type { SqlValues } from "../sql-dialect.js";

/** An `events` row as a StoredEvent. */
export function toEvent(row: Selectable<EventsTable>, values: SqlValues): StoredEvent {
  return {
    id: row.id,
    kind: row.kind as EventKind,
    campaignId: row.campaign_id,
    leadId: row.lead_id,
    emailId: row.email_id,
    at: readTime(row.at),
    data: (values.readJson(row.data) ?? {}) as Record<string, unknown>,
  };
}

/** The row a NewEvent writes. */
export function eventColumns(e: NewEvent, values: SqlValues): Insertable<EventsTable> {
  return {
    id: e.id,
    kind: e.kind,
    campaign_id: e.campaignId,
    lead_id: e.leadId,
    email_id: e.emailId,
    at: values.time(e.at),
    data: values.json(e.data),
  };
}

/** A `suppressions` row as a Suppression. */
export function toSuppression(row: Selectable<SuppressionsTable>): Suppression {
  return {
    email: row.email,
    reason: row.reason,
    campaignId: row.campaign_id,
    createdAt: readTime(row.created_at),
  };
}
