import type { AudiencePreview, AudiencePreviewRequest } from "@cadenza/core";
import { readNumber } from "../read-values.js";
import { toProspect } from "../rows/prospect-rows.js";
import type { SqlContext } from "../sql-context.js";
import { AUDIENCE_STAGES, audienceQuery } from "./audience-query.js";
import { requireCampaign } from "./require-campaign.js";

/** The counts an enroll with this filter and these rules would see now, and a sample of who it would add. */
export async function previewAudience(
  ctx: SqlContext,
  request: AudiencePreviewRequest,
): Promise<AudiencePreview> {
  const { db, dialect } = ctx;
  await requireCampaign(ctx, request.campaignId);
  const classified = audienceQuery(ctx, request).as("a");
  const groups = await db
    .selectFrom(classified)
    .select(["a.reason", (eb) => eb.fn.countAll().as("n")])
    .groupBy("a.reason")
    .execute();
  const count = (reason: string | null) => readNumber(groups.find((g) => g.reason === reason)?.n ?? 0);
  const matching = groups.reduce((sum, g) => sum + readNumber(g.n), 0);
  // Each stage drops the prospects whose first failing check it is.
  let remaining = matching;
  const after = Object.fromEntries(
    AUDIENCE_STAGES.map((stage) => {
      remaining -= count(stage);
      return [stage, remaining];
    }),
  ) as Record<(typeof AUDIENCE_STAGES)[number], number>;
  const sample =
    request.sampleSize <= 0
      ? []
      : await db
          .selectFrom(audienceQuery(ctx, request).as("a"))
          .innerJoin("prospects as p", "p.id", "a.id")
          .selectAll("p")
          .where("a.reason", "is", null)
          .orderBy("p.score", "desc")
          .orderBy("p.email")
          .orderBy("p.id")
          .limit(request.sampleSize)
          .execute();
  return {
    matching,
    withValidEmail: after.invalid_email,
    notSuppressed: after.suppressed,
    notInCampaign: after.already_enrolled,
    notActiveElsewhere: after.active_in_other_campaign,
    notRecentlyContacted: after.recently_contacted,
    enrollable: after.recently_contacted,
    sample: sample.map((r) => toProspect(r, dialect.values)),
  };
}
