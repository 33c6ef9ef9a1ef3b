import type { EmailRecord } from "@cadenza/core";
import { sql } from "kysely";
import { selectEmails, toEmailRecord } from "../rows/email-rows.js";
import type { SqlContext } from "../sql-context.js";

/** Each lead's outbound emails in step order (one query for the batch); leads without any are absent. */
export async function getThreads(
  ctx: SqlContext,
  leadIds: readonly string[],
): Promise<Map<string, EmailRecord[]>> {
  const { dialect } = ctx;
  const threads = new Map<string, EmailRecord[]>();
  const wanted = [...new Set(leadIds)].filter((id) => dialect.isId(id));
  if (wanted.length === 0) return threads;
  const rows = await selectEmails(ctx)
    .where(
      sql<boolean>`e.lead_id in (select id from ${dialect.jsonRows(
        wanted.map((id) => ({ id })),
        { id: "id" },
      )} as w)`,
    )
    .where("e.direction", "=", sql.lit("outbound"))
    .orderBy("e.lead_id")
    .orderBy("e.step_number")
    .orderBy("e.created_at")
    .execute();
  for (const row of rows) {
    if (!row.lead_id) continue;
    const thread = threads.get(row.lead_id) ?? [];
    thread.push(toEmailRecord(row, dialect.values));
    threads.set(row.lead_id, thread);
  }
  return threads;
}
