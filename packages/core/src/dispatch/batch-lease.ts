import type { EngineContext } from "../engine-context.js";
import { coerceError } from "../errors.js";

/**
 * Keeps one batch's leases while the batch works: every third of `leaseMs` (on the engine's clock)
 * it extends them by `leaseMs` in the store, never past `maxBatchMs` after the claim, so a send that
 * outlasts the lease no longer costs the batch its leads, and a send that never returns still lets
 * them go. A lead the store did not extend was taken by another worker (after a renewal came late):
 * it is `lost`, and nothing more is sent for it.
 */
export class BatchLease {
  /** Leads this batch no longer holds. */
  readonly lost = new Set<string>();
  private readonly stopped = new AbortController();
  private readonly running: Promise<void>;

  constructor(
    private readonly ctx: EngineContext,
    private readonly leaseToken: string,
    private readonly leadIds: readonly string[],
    claimedAt: Date,
  ) {
    const { leaseMs, maxBatchMs } = ctx.dispatch;
    const renew = ctx.store.renewLeases?.bind(ctx.store);
    this.running =
      renew && leadIds.length > 0
        ? this.keep(renew, leaseMs, claimedAt.getTime(), Math.max(leaseMs, maxBatchMs)).catch((error) =>
            // A clock whose sleep failed: the leases run out as if nothing renewed them.
            ctx.reportError(coerceError(error), "renewing leases"),
          )
        : Promise.resolve();
  }

  private async keep(
    renew: NonNullable<EngineContext["store"]["renewLeases"]>,
    leaseMs: number,
    claimedAt: number,
    maxBatchMs: number,
  ): Promise<void> {
    const { signal } = this.stopped;
    const every = Math.max(1, Math.floor(leaseMs / 3));
    let leasedUntil = claimedAt + leaseMs;
    let last = this.ctx.clock.now().getTime();
    while (!signal.aborted) {
      await this.ctx.clock.sleep(every, signal);
      if (signal.aborted) return;
      const now = this.ctx.clock.now().getTime();
      // A clock whose sleep returns before its time has passed (a test's no-op sleep) would have the
      // batch renew in a loop: such a batch keeps the leases of its claim only.
      if (now - last < every / 2) return;
      last = now;
      const end = Math.min(now + leaseMs, claimedAt + maxBatchMs);
      // At the cap: no renewal can take the leases further.
      if (end <= leasedUntil) return;
      const held = this.leadIds.filter((id) => !this.lost.has(id));
      if (held.length === 0) return;
      try {
        const renewed = new Set(
          await renew({ leaseToken: this.leaseToken, leadIds: held, leaseExpiresAt: new Date(end) }),
        );
        for (const id of held) if (!renewed.has(id)) this.lost.add(id);
        leasedUntil = end;
      } catch (error) {
        // The store is unreachable: the leases hold until they end, the next renewal tries again.
        this.ctx.reportError(coerceError(error), `renewing the leases of ${held.length} leads`);
      }
    }
  }

  /** Stops renewing once the batch has written its outcomes; waits for a renewal under way. */
  async end(): Promise<void> {
    this.stopped.abort();
    await this.running;
  }
}
