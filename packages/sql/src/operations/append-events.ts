import type { NewEvent } from "@cadenza/core";
import type { Compilable } from "kysely";
import { chunk } from "../read-values.js";
import type { SqlContext } from "../sql-context.js";

/**
 * The inserts that append events to the log, for the caller to run in its transaction: one
 * fixed-shape statement per thousand events (the rows travel as one JSON value).
 */
export function eventInserts({ db, dialect }: SqlContext, events: readonly NewEvent[]): Compilable[] {
  return chunk(events, 1000).map((part) => {
    const rows = dialect.jsonRows(
      part.map((e) => ({
        id: e.id,
        kind: e.kind,
        campaign_id: e.campaignId,
        lead_id: e.leadId,
        email_id: e.emailId,
        at: e.at.toISOString(),
        data: e.data,
      })),
      {
        id: "text",
        kind: "text",
        campaign_id: "id",
        lead_id: "id",
        email_id: "id",
        at: "time",
        data: "json",
      },
    );
    return db
      .insertInto("events")
      .columns(["id", "kind", "campaign_id", "lead_id", "email_id", "at", "data"])
      .expression(
        db
          .selectFrom(rows.as("v"))
          .select(["v.id", "v.kind", "v.campaign_id", "v.lead_id", "v.email_id", "v.at", "v.data"]),
      );
  });
}

/** Appends events to the log, in order, inside the caller's transaction. */
export async function insertEvents(ctx: SqlContext, events: readonly NewEvent[]): Promise<void> {
  await ctx.dialect.writeTogether(ctx.db, eventInserts(ctx, events));
}

/** Appends events to the log in one transaction. */
export async function appendEvents(ctx: SqlContext, events: readonly NewEvent[]): Promise<void> {
  if (events.length === 0) return;
  await ctx.dialect.transaction(ctx.db, (db) => insertEvents({ db, dialect: ctx.dialect }, events));
}
