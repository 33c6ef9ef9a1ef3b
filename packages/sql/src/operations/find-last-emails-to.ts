import type { EmailRecord } from "@cadenza/core";
import { sql } from "kysely";
import { selectEmails, toEmailRecord } from "../rows/email-rows.js";
import type { SqlContext } from "../sql-context.js";

/**
 * The newest outbound email to each address created at or after `since`. An address is a prospect's
 * (prospects are keyed by lower-case email), so each is found through its prospect and the emails of
 * that prospect in creation order (`emails_by_prospect`), never by scanning emails.
 */
export async function findLastEmailsTo(
  ctx: SqlContext,
  addresses: readonly string[],
  since: Date,
): Promise<EmailRecord[]> {
  const wanted = [...new Set(addresses)];
  if (wanted.length === 0) return [];
  const rows = await selectEmails(ctx)
    .innerJoin("prospects as p", "p.id", "e.prospect_id")
    .where("p.email", "in", wanted)
    .where("e.to_email", "in", wanted)
    .where("e.direction", "=", sql.lit("outbound"))
    .where("e.created_at", ">=", ctx.dialect.values.time(since))
    .orderBy("e.created_at", "desc")
    .orderBy("e.id", "desc")
    .execute();
  const newest = new Map<string, EmailRecord>();
  for (const row of rows) {
    if (!newest.has(row.to_email)) newest.set(row.to_email, toEmailRecord(row, ctx.dialect.values));
  }
  return [...newest.values()];
}
