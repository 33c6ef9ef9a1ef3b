import type { EngineContext } from "../engine-context.js";
import { coerceError } from "../errors.js";
import { resumeLead } from "../lead/lead-operations.js";
import { dispatchCampaign } from "./dispatch-campaign.js";
import { addReports, type DispatchReport, emptyReport } from "./dispatch-report.js";
import { readSenderHolds } from "./sender-holds.js";

/**
 * One dispatch tick: resume leads whose pause ran out, recover sends abandoned by dead workers, read
 * the mailboxes and the senders' holds, then dispatch every active campaign once.
 * Safe to run from several engines at once: claims, quotas and fences live in the store.
 */
export async function dispatchTick(ctx: EngineContext, signal?: AbortSignal): Promise<DispatchReport> {
  const report = emptyReport();
  const now = ctx.clock.now();
  for (const lead of await ctx.store.findLeadsToResume(now, ctx.dispatch.batchSize)) {
    await resumeLead(ctx, lead.id).catch((error) =>
      ctx.reportError(coerceError(error), `resuming lead ${lead.id}`),
    );
  }
  const abandoned = await ctx.store.recoverAbandonedSends(now, ctx.dispatch.batchSize);
  if (abandoned.length > 0) {
    const events = abandoned.map((email) => ({
      id: ctx.ids.id(),
      kind: "outcome_unknown" as const,
      campaignId: email.campaignId,
      leadId: email.leadId,
      emailId: email.id,
      at: now,
      data: { stepNumber: email.stepNumber, abandoned: true },
    }));
    await ctx.store.appendEvents(events);
    await ctx.hooks.emit(events);
    report.unknown += abandoned.length;
  }
  ctx.mailboxCache.clear();
  for (const mailbox of await ctx.store.listMailboxes()) ctx.mailboxCache.set(mailbox.id, mailbox);
  await readSenderHolds(ctx);
  for (const campaign of await ctx.store.listCampaigns({ active: true })) {
    if (signal?.aborted) break;
    addReports(report, await dispatchCampaign(ctx, campaign, signal));
  }
  return report;
}

/** A running dispatcher loop. */
export interface DispatchWorker {
  /** Resolves when the loop has stopped. */
  readonly done: Promise<void>;
  /** Asks the loop to stop after the batch in hand and waits for it. */
  stop(): Promise<void>;
}

/**
 * Runs `dispatchTick` until stopped: immediately again while work remains, otherwise after
 * `pollIntervalMs`. A failing tick is reported to `onError` and retried after the poll interval; the
 * loop itself never dies of it.
 */
export function startDispatchWorker(
  ctx: EngineContext,
  options: { onTick?: (report: DispatchReport) => void; onError?: (error: Error) => void } = {},
): DispatchWorker {
  const controller = new AbortController();
  const loop = async () => {
    while (!controller.signal.aborted) {
      let more = false;
      try {
        const report = await dispatchTick(ctx, controller.signal);
        more = report.more;
        options.onTick?.(report);
      } catch (error) {
        options.onError?.(coerceError(error));
      }
      if (!more) await ctx.clock.sleep(ctx.dispatch.pollIntervalMs, controller.signal);
    }
  };
  const done = loop();
  return {
    done,
    async stop() {
      controller.abort();
      await done;
    },
  };
}
