import { performance } from "node:perf_hooks";
import { type LoopWaits, watchLoopWaits } from "../harness/loop-waits.js";
import type { QueryCount } from "../harness/statement-tally.js";
import { expectEqual } from "../harness/validate.js";
import { benchEngine, instantTransport } from "../workload/bench-runtime.js";
import { seedDueCampaign } from "../workload/seed-campaign.js";
import { openStore, type StoreLocation } from "../workload/store-location.js";
import { type DrainReport, drainDueLeads } from "./drain-due-leads.js";

/** A seeded campaign: `leads` due leads enrolled through the engine. */
export interface SeedReport {
  campaignId: string;
  seconds: number;
}

/** Seeds the store with a due campaign, in its own process so the dispatcher's memory is its own. */
export async function cadenzaSeed(
  params: { store: StoreLocation; leads: number },
  ready: () => Promise<void>,
): Promise<SeedReport> {
  await ready();
  const store = await openStore(params.store);
  try {
    const started = performance.now();
    const { cadenza } = benchEngine(store, instantTransport());
    const campaignId = await seedDueCampaign(cadenza, params.leads);
    return { campaignId, seconds: (performance.now() - started) / 1000 };
  } finally {
    await store.close?.();
  }
}

/** What one engine's dispatch measured. */
export interface DispatchMeasure {
  sent: number;
  accepted: number;
  seconds: number;
  perSecond: number;
  report: DrainReport;
  recovered: string[];
  /** Statements sent, with `--count-queries`. */
  queries?: QueryCount[];
  /** How long the dispatching process's event loop kept other work waiting meanwhile. */
  loopWaits: LoopWaits;
}

/**
 * One engine dispatching every due lead through the real store, renderer and tracking, to a
 * transport that accepts at once; timed from the parent's go to the last batch recorded.
 */
export async function cadenzaDispatch(
  params: {
    store: StoreLocation;
    batchSize: number | null;
    batchesInFlight?: number | null;
    countQueries?: boolean;
  },
  ready: () => Promise<void>,
): Promise<DispatchMeasure> {
  // Loaded only when asked for: the Postgres counter loads `pg`, which a SQLite dispatcher would not hold.
  const queries = !params.countQueries
    ? null
    : params.store.kind === "sqlite"
      ? (await import("../harness/sqlite-query-counter.js")).installSqliteQueryCounter()
      : (await import("../harness/query-counter.js")).installQueryCounter();
  const store = await openStore(params.store);
  try {
    const transport = instantTransport();
    const { cadenza, recovered } = benchEngine(store, transport, {
      batchSize: params.batchSize,
      batchesInFlight: params.batchesInFlight,
    });
    // Opens the connection (and runs the no-op migration check) before the clock starts.
    await cadenza.campaigns.list();
    await ready();
    queries?.reset();
    const loop = watchLoopWaits();
    const started = performance.now();
    const report = await drainDueLeads(cadenza);
    const seconds = (performance.now() - started) / 1000;
    const loopWaits = await loop.stop();
    expectEqual("sent reported against accepted by the transport", report.sent, transport.accepted());
    return {
      sent: report.sent,
      accepted: transport.accepted(),
      seconds,
      perSecond: report.sent / seconds,
      report,
      recovered,
      queries: queries?.counts(),
      loopWaits,
    };
  } finally {
    await store.close?.();
  }
}
