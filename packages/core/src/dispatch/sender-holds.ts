import type { DispatchSettings, EngineContext } from "../engine-context.js";
import { coerceError } from "../errors.js";
import type { SenderHold, SendResult } from "../ports.js";
import type { Mailbox } from "./mailbox-schema.js";

/** The key a sender is held under: its mailbox, or the engine's default sender; null without either. */
export function senderKey(ctx: EngineContext, mailbox: Mailbox | null): string | null {
  if (mailbox) return `mailbox:${mailbox.id}`;
  return ctx.sender ? `sender:${ctx.sender.email.trim().toLowerCase()}` : null;
}

/**
 * Whether a send's result holds its sender: a throttle or a transport failure (the server it sends
 * through will not or cannot take mail now), or a policy refusal of the default sender, which has no
 * flag to stop it. A mailbox refused for policy is flagged instead.
 */
export function holdsSender(result: SendResult, mailbox: Mailbox | null): boolean {
  if (result.status !== "rejected") return false;
  return result.kind === "throttled" || result.kind === "transport" || (result.kind === "sender" && !mailbox);
}

/**
 * Whether a send's result shows its sender works: the server took the message or judged its
 * recipient, so a hold that has run out can end.
 */
export function showsSenderWorks(result: SendResult): boolean {
  return (
    result.status === "accepted" ||
    (result.status === "rejected" && (result.kind === "hard" || result.kind === "soft"))
  );
}

/**
 * The hold a failure at `at` puts its sender under. A hold still in force already covers it (a
 * batch's other sends, or another batch's, failed in the same episode). Otherwise the hold lasts
 * `senderHoldBaseMs`, doubled for each hold in a row before it (the last one ran out without a send
 * going through, less than `senderHoldMaxMs` ago), up to `senderHoldMaxMs`.
 *
 * ```ts
 * nextSenderHold(DEFAULT_DISPATCH, undefined, "mailbox:m1", at, "4.7.0 421 …").until; // at + 1 minute
 * ```
 */
export function nextSenderHold(
  settings: Pick<DispatchSettings, "senderHoldBaseMs" | "senderHoldMaxMs">,
  previous: SenderHold | undefined,
  key: string,
  at: Date,
  reason: string,
): SenderHold {
  if (previous && previous.until.getTime() > at.getTime()) return previous;
  const inARow =
    previous !== undefined && at.getTime() - previous.until.getTime() <= settings.senderHoldMaxMs;
  const strikes = inARow ? previous.strikes + 1 : 1;
  const ms = Math.min(
    Math.max(settings.senderHoldMaxMs, settings.senderHoldBaseMs),
    settings.senderHoldBaseMs * 2 ** Math.min(strikes - 1, 30),
  );
  return { key, strikes, heldAt: at, until: new Date(at.getTime() + ms), reason };
}

/** Reads the senders' holds for a tick, from a store that keeps them. */
export async function readSenderHolds(ctx: EngineContext): Promise<void> {
  if (!ctx.store.listSenderHolds) return;
  const holds = await ctx.store.listSenderHolds();
  ctx.senderHolds.clear();
  for (const hold of holds) ctx.senderHolds.set(hold.key, hold);
}

/**
 * What one batch learns of its sender as its sends come back. A failure on the sending side holds
 * the sender at once (or, for a mailbox refused for policy, flags it), so the batch's sends still to
 * go, and the pass's next claims, wait instead of being refused in turn. Once the batch is recorded,
 * `settle` writes the hold it set, or ends a hold that had run out when one of its sends went
 * through.
 */
export class BatchSender {
  private readonly key: string | null;
  private flag: { reason: string; until: Date } | null = null;
  private setHold: SenderHold | null = null;
  private worked = false;

  constructor(
    private readonly ctx: EngineContext,
    private readonly mailbox: Mailbox | null,
    /** When the batch began: a hold set before it ends if a send goes through. */
    private readonly startedAt: Date,
  ) {
    this.key = senderKey(ctx, mailbox);
  }

  /** Why a send due now must wait, and until when; null to send it. */
  heldBack(now: Date): { reason: string; until: Date } | null {
    if (this.flag) return this.flag;
    const hold = this.hold();
    return hold && hold.until.getTime() > now.getTime() ? { reason: hold.reason, until: hold.until } : null;
  }

  /** Takes in one send's result, received at `at`. */
  record(result: SendResult, at: Date): void {
    if (showsSenderWorks(result)) this.worked = true;
    if (result.status !== "rejected") return;
    const reason = `${result.code} ${result.response}`.trim();
    if (result.kind === "sender" && this.mailbox) {
      this.flag ??= { reason, until: new Date(at.getTime() + this.ctx.dispatch.transportRetryMs) };
      this.ctx.mailboxCache.set(this.mailbox.id, { ...this.mailbox, flaggedAt: at, flagReason: reason });
      return;
    }
    if (!holdsSender(result, this.mailbox) || !this.key) return;
    const previous = this.hold();
    const hold = nextSenderHold(this.ctx.dispatch, previous, this.key, at, reason);
    if (hold === previous) return;
    this.setHold = hold;
    this.ctx.senderHolds.set(this.key, hold);
  }

  /** When a lead its sender's server refused may be tried again: the end of the sender's hold. */
  heldUntil(result: SendResult): Date | undefined {
    return holdsSender(result, this.mailbox) ? this.hold()?.until : undefined;
  }

  /** Writes the hold this batch set, or ends the hold it found run out if one of its sends went through. */
  async settle(): Promise<void> {
    const key = this.key;
    if (!key) return;
    try {
      if (this.setHold) {
        await this.ctx.store.holdSenders?.([this.setHold]);
        return;
      }
      const hold = this.hold();
      if (!this.worked || !hold || hold.heldAt.getTime() > this.startedAt.getTime()) return;
      this.ctx.senderHolds.delete(key);
      await this.ctx.store.releaseSenders?.([key], this.startedAt);
    } catch (error) {
      // The outcomes are recorded; a hold not written only lets the next pass try the sender sooner.
      this.ctx.reportError(coerceError(error), `recording the hold of sender ${key}`);
    }
  }

  private hold(): SenderHold | undefined {
    return this.key ? this.ctx.senderHolds.get(this.key) : undefined;
  }
}
