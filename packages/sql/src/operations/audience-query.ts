import type { EnrollmentRules, EnrollSkipReason, ProspectFilter } from "@cadenza/core";
import { sql } from "kysely";
import { prospectFilterCondition } from "../prospect-filter.js";
import type { SqlContext } from "../sql-context.js";

/** Reasons an audience query can give, in the order they are checked (each narrows the one before). */
export const AUDIENCE_STAGES = [
  "no_email",
  "invalid_email",
  "suppressed",
  "already_enrolled",
  "active_in_other_campaign",
  "recently_contacted",
] as const satisfies readonly EnrollSkipReason[];

const DAY_MS = 86_400_000;

/**
 * The prospects a filter matches, each with the first reason it may not be enrolled in the campaign
 * (`null`: enrollable), in enrollment order: score (highest first), then email. One statement, so the
 * counts a preview shows are the ones an enroll would see.
 */
export function audienceQuery(
  { db, dialect }: SqlContext,
  request: { campaignId: string; filter: ProspectFilter; rules: EnrollmentRules; now: Date },
) {
  const { campaignId, rules } = request;
  const activeElsewhere = rules.excludeActiveInOtherCampaigns
    ? sql`exists (select 1 from ${dialect.table("campaign_leads")} as o
        where o.prospect_id = p.id and o.campaign_id <> ${campaignId} and o.status in ('active', 'paused'))`
    : sql`1 = 0`;
  const days = rules.excludeContactedWithinDays;
  const recentlyContacted =
    days !== undefined
      ? sql`exists (select 1 from ${dialect.table("emails")} as r
          where r.prospect_id = p.id and r.direction = 'outbound'
            and r.created_at >= ${dialect.values.time(new Date(request.now.getTime() - days * DAY_MS))})`
      : sql`1 = 0`;
  const reason = sql<string | null>`case
    when p.email is null or p.email = '' then 'no_email'
    when p.email not like '_%@_%._%' or p.email like '%@%@%' or p.email like '% %' then 'invalid_email'
    when exists (select 1 from ${dialect.table("suppressions")} as s where s.email = p.email) then 'suppressed'
    when exists (select 1 from ${dialect.table("campaign_leads")} as l
      where l.campaign_id = ${campaignId} and l.prospect_id = p.id) then 'already_enrolled'
    when ${activeElsewhere} then 'active_in_other_campaign'
    when ${recentlyContacted} then 'recently_contacted'
    else null end`;
  return db
    .selectFrom("prospects as p")
    .where(prospectFilterCondition(request.filter, dialect))
    .select(["p.id", reason.as("reason")]);
}
