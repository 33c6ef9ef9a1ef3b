import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Store } from "@cadenza/core";
import { cadenzaTrackingEngine, createTrackingHandlers, toNodeHandler } from "@cadenza/http";
import { drainDueLeads } from "../dispatch/drain-due-leads.js";
import { installQueryCounter } from "../harness/query-counter.js";
import type { QueryCount } from "../harness/statement-tally.js";
import { expectEqual } from "../harness/validate.js";
import { BENCH_NOW, benchEngine, fixedClock, instantTransport } from "../workload/bench-runtime.js";
import { seedDueCampaign } from "../workload/seed-campaign.js";
import { openStore, type StoreLocation } from "../workload/store-location.js";

/** Where the tracking server answers once its writes are done, with how long that took (ms). */
export const FLUSH_PATH = "/bench/flush";

/** What the tracking server recorded while it served. */
export interface TrackingServerReport {
  opened: number;
  clicked: number;
  recovered: string[];
  /** Statements sent while serving, with `--count-queries`. */
  queries?: QueryCount[];
}

/** Where the load goes: the paths of the emails' open pixels and tracked links. */
export interface TrackingTargets {
  port: number;
  openPaths: string[];
  clickPaths: string[];
}

/**
 * Cadenza's tracking handlers on `node:http` over a real store: sends `emails` emails through the
 * engine, serves their pixels and links until the parent says go, then flushes the handlers and
 * counts the open and click events the store recorded. `GET /bench/flush` waits for the writes of
 * everything answered so far, so the parent can measure each load with nothing left from the last.
 */
export async function cadenzaTrackingServer(
  params: { store: StoreLocation; emails: number; countQueries?: boolean },
  ready: (info: TrackingTargets) => Promise<void>,
): Promise<TrackingServerReport> {
  const queries = params.countQueries ? installQueryCounter() : null;
  const store = await openStore(params.store);
  try {
    const clock = fixedClock();
    const transport = instantTransport(params.emails);
    const { cadenza, recovered } = benchEngine(store, transport, { clock });
    const campaignId = await seedDueCampaign(cadenza, params.emails);
    expectEqual("emails sent", (await drainDueLeads(cadenza)).sent, params.emails);
    // Opens come an hour after the send, as a reader's would.
    clock.set(new Date(BENCH_NOW.getTime() + 3_600_000));

    const openPaths: string[] = [];
    const clickPaths: string[] = [];
    for (const message of transport.kept) {
      openPaths.push(...(message.html?.match(/\/t\/open\/[A-Za-z0-9_-]+/g) ?? []));
      clickPaths.push(...(message.html?.match(/\/t\/click\/[A-Za-z0-9_-]+/g) ?? []));
    }
    expectEqual("open pixels", openPaths.length, params.emails);
    expectEqual("tracked links", clickPaths.length, params.emails);

    const handlers = createTrackingHandlers(cadenzaTrackingEngine(cadenza), {
      basePath: "/t",
      onError: (error) =>
        recovered.push(`handler: ${error instanceof Error ? error.message : String(error)}`),
    });
    const serve = toNodeHandler(handlers);
    const server = createServer((req, res) => {
      // The benchmark's own route: answers once every open and click answered so far is written.
      if (req.url === FLUSH_PATH) {
        const started = performance.now();
        void handlers.flush().then(() => res.end(String(performance.now() - started)));
      } else serve(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    queries?.reset();
    await ready({ port: (server.address() as AddressInfo).port, openPaths, clickPaths });
    // Shut down as a host should: stop serving, then let every answered request's write finish.
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await handlers.flush();
    const counted = queries?.counts();

    return {
      opened: await countEvents(store, campaignId, "opened"),
      clicked: await countEvents(store, campaignId, "clicked"),
      recovered,
      queries: counted,
    };
  } finally {
    await store.close?.();
  }
}

/** Events of one kind in the store's log, read page by page. */
async function countEvents(store: Store, campaignId: string, kind: "opened" | "clicked"): Promise<number> {
  let count = 0;
  let after: string | undefined;
  for (;;) {
    const page = await store.listEvents({ campaignId, kinds: [kind], limit: 10_000, after });
    count += page.length;
    if (page.length < 10_000) return count;
    after = page[page.length - 1]!.id;
  }
}
