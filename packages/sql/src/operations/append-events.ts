import type { NewEvent } from "@cadenza/core";
import { chunk } from "../read-values.js";
import { eventColumns } from "../rows/event-rows.js";
import type { SqlContext } from "../sql-context.js";

/** Appends events to the log, in order, inside the caller's transaction. */
export async function insertEvents({ db, dialect }: SqlContext, events: readonly NewEvent[]): Promise<void> {
  for (const part of chunk(events, 1000)) {
    await db
      .insertInto("events")
      .values(part.map((e) => eventColumns(e, dialect.values)))
      .execute();
  }
}

/** Appends events to the log in one transaction. */
export async function appendEvents(ctx: SqlContext, events: readonly NewEvent[]): Promise<void> {
  if (events.length === 0) return;
  await ctx.dialect.transaction(ctx.db, (db) => insertEvents({ db, dialect: ctx.dialect }, events));
}
