import type { Campaign } from "../campaign/campaign.js";
import type { EngineContext } from "../engine-context.js";
import type { QuotaReservation } from "../ports.js";
import { campaignDay, isInSendWindow, windowFor } from "../schedule/index.js";
import { addReports, type DispatchReport, emptyReport } from "./dispatch-report.js";
import { type Mailbox, mailboxCapOn } from "./mailbox-schema.js";
import { sendBatch } from "./send-batch.js";
import { senderKey } from "./sender-holds.js";

function quotasFor(campaign: Campaign, mailbox: Mailbox | null, now: Date): QuotaReservation[] {
  const quotas: QuotaReservation[] = [
    { key: `campaign:${campaign.id}`, day: campaignDay(now, campaign.timezone), limit: campaign.dailyLimit },
  ];
  if (mailbox?.dailyCap) {
    const day = campaignDay(now, mailbox.timezone);
    quotas.push({ key: `mailbox:${mailbox.id}`, day, limit: mailboxCapOn(mailbox, day) ?? mailbox.dailyCap });
  }
  return quotas;
}

/**
 * One dispatch pass over one campaign: for each of its mailboxes (or none), claim due leads in
 * batches within the daily quota and pacing, and send them. A flagged mailbox and a held sender get
 * no claim; a sender whose hold ran out gets one lead, which tries it before the rest. Up to
 * `batchesInFlight` batches run at once: the next batch is claimed and composed while the store
 * records the last. Each claim reserves its quota and leases its leads on its own, as two engines'
 * claims would, so the limits, fences and exactly-once guarantees hold for every batch in flight.
 * Returns once every batch it started has finished, even when one failed or the signal aborted.
 */
export async function dispatchCampaign(
  ctx: EngineContext,
  campaign: Campaign,
  signal?: AbortSignal,
): Promise<DispatchReport> {
  const report = emptyReport();
  if (campaign.steps.length === 0) return report;
  const now = ctx.clock.now();
  if (!campaign.useProspectTimezone && !isInSendWindow(now, windowFor(campaign, null))) return report;

  const inFlight = new BatchesInFlight(Math.max(1, Math.floor(ctx.dispatch.batchesInFlight)), report);
  try {
    const groups: (string | null | undefined)[] =
      campaign.mailboxIds.length > 0 ? [...campaign.mailboxIds, null] : [undefined];
    for (const mailboxId of groups) {
      const mailbox = mailboxId ? (ctx.mailboxCache.get(mailboxId) ?? null) : null;
      if (mailboxId && !mailbox) continue;
      const key = senderKey(ctx, mailbox);
      for (let batch = 0; batch < ctx.dispatch.maxBatchesPerTick; batch++) {
        await inFlight.roomForOne();
        // Each claim, composition slice and write lets the host's other work run first: on a store
        // that works on the host's thread, a dispatch would otherwise hold its event loop from the
        // first claim to the last outcome (5 s of a 20 000-lead dispatch in one stretch).
        await ctx.clock.yield?.();
        if (signal?.aborted) return report;
        const at = ctx.clock.now();
        // A batch in flight may have flagged the mailbox or held the sender since the last claim.
        if (mailboxId && ctx.mailboxCache.get(mailboxId)?.flaggedAt) break;
        const hold = key ? ctx.senderHolds.get(key) : undefined;
        if (hold && hold.until.getTime() > at.getTime()) break;
        // A hold that ran out without a send going through since: one lead tries the sender first.
        const probing = hold !== undefined;
        const paced = mailbox && mailbox.minGapSeconds > 0;
        const gapMs = paced
          ? (mailbox.minGapSeconds + ctx.random.next() * mailbox.gapJitterSeconds) * 1000
          : 0;
        const claimed = await ctx.store.claimDueLeads({
          campaignId: campaign.id,
          mailboxId,
          now: at,
          limit: paced || probing ? 1 : ctx.dispatch.batchSize,
          leaseToken: ctx.ids.token(),
          leaseExpiresAt: new Date(at.getTime() + ctx.dispatch.leaseMs),
          quotas: quotasFor(campaign, mailbox, at),
          pacing: paced ? { mailboxId: mailbox.id, nextFreeAt: new Date(at.getTime() + gapMs) } : undefined,
        });
        if (claimed.length === 0) break;
        inFlight.start(sendBatch(ctx, campaign, mailbox, claimed, at));
        if (paced || probing) break;
        if (claimed.length < ctx.dispatch.batchSize) break;
        if (batch === ctx.dispatch.maxBatchesPerTick - 1) report.more = true;
      }
    }
  } finally {
    await inFlight.all();
  }
  return report;
}

/** The batches of one pass that are still sending, at most `limit` at once, adding up their reports. */
class BatchesInFlight {
  private readonly running = new Set<Promise<void>>();
  private failure: { error: unknown } | null = null;

  constructor(
    private readonly limit: number,
    private readonly report: DispatchReport,
  ) {}

  start(batch: Promise<DispatchReport>): void {
    const settled: Promise<void> = batch.then(
      (done) => addReports(this.report, done),
      (error: unknown) => {
        this.failure ??= { error };
      },
    );
    this.running.add(settled);
    void settled.finally(() => this.running.delete(settled));
  }

  /** Waits until another batch may start; throws the first failure so no new batch starts after it. */
  async roomForOne(): Promise<void> {
    while (this.running.size >= this.limit) await Promise.race(this.running);
    if (this.failure) throw this.failure.error;
  }

  /** Waits for every batch; throws the first failure once they all ended. */
  async all(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running);
    if (this.failure) throw this.failure.error;
  }
}
