import { performance } from "node:perf_hooks";
import { memoryStore } from "@cadenza/core/testing";
import { watchLoopWaits } from "../harness/loop-waits.js";
import { expectEqual } from "../harness/validate.js";
import { benchEngine, instantTransport } from "../workload/bench-runtime.js";
import { seedDueCampaign } from "../workload/seed-campaign.js";
import type { DispatchMeasure } from "./cadenza-cases.js";
import { checkDispatchedCampaign, type EmailCounts } from "./cadenza-verify.js";
import type { DispatchCounts } from "./dispatch-integrity.js";
import { drainDueLeads } from "./drain-due-leads.js";

/** What the engine over the in-memory store measured, and what its check counted. */
export interface MemoryDispatchMeasure extends DispatchMeasure {
  counts: DispatchCounts;
  /** Seconds spent inside the store's methods (the reference store's own work, not the engine's). */
  storeSeconds: number;
}

/**
 * The store with a stopwatch around each method call. The in-memory store does its work before the
 * promise it returns is settled, so the time of the call is the store's time.
 */
function timedStore<S extends object>(store: S): { store: S; seconds: () => number } {
  let ms = 0;
  const timed = new Proxy(store, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        const started = performance.now();
        try {
          return value.apply(target, args);
        } finally {
          ms += performance.now() - started;
        }
      };
    },
  });
  return { store: timed, seconds: () => ms / 1000 };
}

/**
 * The engine over the in-memory reference store, in one process (the store lives there): seeded
 * before the parent's go, dispatched by the engine's own worker loop, then checked like the real
 * stores — email rows counted in the store's tables, counters read through the engine, the
 * integrity audit empty. No I/O at all: the time is CPU, the engine's and the store's, measured apart.
 */
export async function cadenzaDispatchMemory(
  params: { leads: number; batchSize: number | null; batchesInFlight: number | null },
  ready: () => Promise<void>,
): Promise<MemoryDispatchMeasure> {
  const store = memoryStore();
  const campaignId = await seedDueCampaign(benchEngine(store, instantTransport()).cadenza, params.leads);
  const transport = instantTransport();
  const timed = timedStore(store);
  const { cadenza, recovered } = benchEngine(timed.store, transport, {
    batchSize: params.batchSize,
    batchesInFlight: params.batchesInFlight,
  });
  await ready();
  const loop = watchLoopWaits();
  const started = performance.now();
  const report = await drainDueLeads(cadenza);
  const seconds = (performance.now() - started) / 1000;
  const loopWaits = await loop.stop();
  const storeSeconds = timed.seconds();
  expectEqual("sent reported against accepted by the transport", report.sent, transport.accepted());

  const emails = [...store.tables.emails.values()].filter(
    (e) => e.campaignId === campaignId && e.direction === "outbound",
  );
  const rows: EmailCounts = {
    emails: emails.length,
    distinctLeadSteps: new Set(emails.map((e) => `${e.leadId}:${e.stepNumber}`)).size,
    variantA: emails.filter((e) => e.variant === "A").length,
    variantB: emails.filter((e) => e.variant === "B").length,
  };
  const { counts } = await checkDispatchedCampaign(cadenza, campaignId, rows, params.leads);
  return {
    sent: report.sent,
    accepted: transport.accepted(),
    seconds,
    perSecond: report.sent / seconds,
    loopWaits,
    report,
    recovered,
    counts,
    storeSeconds,
  };
}
