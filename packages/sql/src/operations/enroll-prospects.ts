import { CadenzaError, type EnrollRequest, type EnrollResult, type EnrollSkipReason } from "@cadenza/core";
import { CounterBatch } from "../counters/counter-batch.js";
import { chunk, readBool } from "../read-values.js";
import { inTransaction, type SqlContext } from "../sql-context.js";
import type { SqlEnrollRequest } from "../sql-store.js";
import { audienceQuery } from "./audience-query.js";
import { requireCampaign } from "./require-campaign.js";

const ROWS_PER_STATEMENT = 500;
/**
 * An enrollment this large has the database refresh its statistics of leads once it commits. Before
 * that, a planner that had never seen the campaign guessed it held one lead, and a claim could read
 * and sort all of the campaign's active leads to pick a batch: 76 ms per claim in a 100 000-lead
 * campaign, against 4 ms after; the refresh took 50–70 ms. Smaller enrollments cost less than it.
 */
export const ANALYZE_AFTER_LEADS = 5000;

/**
 * Enrolls the prospects a filter matches as active leads, in one transaction: one statement
 * classifies every match (suppressed, already enrolled, …), the enrollable ones are inserted in
 * enrollment order (score, then email) with mailboxes dealt round robin, and the campaign's lead
 * counts move by the number added. A prospect enrolled concurrently by another engine is skipped as
 * `already_enrolled`. After a large enrollment (`ANALYZE_AFTER_LEADS`), the dialect refreshes the
 * statistics of leads.
 */
export async function enrollProspects(ctx: SqlContext, request: SqlEnrollRequest): Promise<EnrollResult> {
  const result = await enrollInTransaction(ctx, request);
  if (result.added >= ANALYZE_AFTER_LEADS && ctx.dialect.analyze) {
    // The leads are enrolled whatever happens here: statistics are only a help to the planner.
    await ctx.dialect.analyze(ctx.db, "campaign_leads").catch(() => undefined);
  }
  return result;
}

function enrollInTransaction(ctx: SqlContext, request: SqlEnrollRequest): Promise<EnrollResult> {
  return inTransaction(ctx, async (trx) => {
    const { db, dialect } = trx;
    const { values } = dialect;
    await requireCampaign(trx, request.campaignId);
    const reasons: Partial<Record<EnrollSkipReason, number>> = {};
    const skip = (reason: EnrollSkipReason, n = 1) => {
      if (n > 0) reasons[reason] = (reasons[reason] ?? 0) + n;
    };
    if (request.filter.ids) countMissingAndArchived(await idsStatus(trx, request), request, skip);

    const classified = await audienceQuery(trx, request)
      .orderBy("p.score", "desc")
      .orderBy("p.email")
      .orderBy("p.id")
      .execute();
    const enrollable: string[] = [];
    for (const row of classified) {
      if (row.reason === null) enrollable.push(row.id);
      else skip(row.reason as EnrollSkipReason);
    }

    const now = values.time(request.now);
    const first = values.time(request.firstEmailAt);
    const mailboxes = request.mailboxIds;
    const newIds = await idsFor(request, enrollable.length);
    const leadIds: string[] = [];
    let position = 0;
    for (const part of chunk(enrollable, ROWS_PER_STATEMENT)) {
      const rows = part.map((prospectId, i) => ({
        id: newIds[position + i] as string,
        campaign_id: request.campaignId,
        prospect_id: prospectId,
        mailbox_id: mailboxes.length > 0 ? (mailboxes[(position + i) % mailboxes.length] ?? null) : null,
        current_step: 0,
        status: "active",
        assigned_variant: request.variant,
        next_email_at: first,
        emails_sent: 0,
        emails_opened: 0,
        has_replied: values.bool(false),
        added_by: request.addedBy,
        attempts: 0,
        version: 0,
        created_at: now,
        updated_at: now,
      }));
      position += part.length;
      const inserted = await db
        .insertInto("campaign_leads")
        .values(rows)
        .onConflict((oc) => oc.columns(["campaign_id", "prospect_id"]).doNothing())
        .returning("id")
        .execute();
      const added = new Set(inserted.map((r) => r.id));
      for (const row of rows) if (added.has(row.id)) leadIds.push(row.id);
      skip("already_enrolled", rows.length - added.size);
    }
    await new CounterBatch().addLeadTransition(request.campaignId, null, "active", leadIds.length).flush(trx);
    const skipped = Object.values(reasons).reduce((sum, n) => sum + (n ?? 0), 0);
    return { added: leadIds.length, skipped, reasons, leadIds };
  });
}

/** Ids for `count` new leads, in enrollment order: in one call when the request can make them so. */
async function idsFor(request: SqlEnrollRequest, count: number): Promise<string[]> {
  if (!request.newIds) return Array.from({ length: count }, () => request.newId());
  const ids = await request.newIds(count);
  if (ids.length !== count) {
    throw new CadenzaError("INTERNAL", { message: `newIds(${count}) returned ${ids.length} ids` });
  }
  return ids;
}

/** Which of the listed ids exist, and whether each is archived. */
async function idsStatus({ db, dialect }: SqlContext, request: EnrollRequest) {
  const ids = [...new Set(request.filter.ids)].filter((id) => dialect.isId(id));
  const rows =
    ids.length === 0
      ? []
      : await db
          .selectFrom("prospects as p")
          .innerJoin(
            dialect
              .jsonRows(
                ids.map((id) => ({ id })),
                { id: "id" },
              )
              .as("ids"),
            "ids.id",
            "p.id",
          )
          .select(["p.id", "p.archived"])
          .execute();
  return {
    asked: new Set(request.filter.ids),
    found: rows.map((r) => ({ id: r.id, archived: readBool(r.archived) })),
  };
}

/** Listed ids that do not exist are `not_found`; those on the other side of the filter's `archived` are `archived`. */
function countMissingAndArchived(
  status: Awaited<ReturnType<typeof idsStatus>>,
  request: EnrollRequest,
  skip: (reason: EnrollSkipReason, n?: number) => void,
) {
  skip("not_found", status.asked.size - status.found.length);
  skip("archived", status.found.filter((p) => p.archived !== request.filter.archived).length);
}
