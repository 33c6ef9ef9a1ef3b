import {
  type Cadenza,
  type CadenzaOptions,
  type Clock,
  createCadenza,
  type OutboundMessage,
  type Store,
  type Transport,
} from "@cadenza/core";
import { cryptoRandom, mjmlWorker, systemClock, uuidV7Ids } from "@cadenza/core/runtime";

/** A Wednesday, 11:00 UTC: inside the bench campaign's window, so every enrolled lead is due. */
export const BENCH_NOW = new Date("2026-01-07T11:00:00Z");

/** A clock that stands still at an instant the bench sets, sleeping and yielding on real timers (the worker's idle wait). */
export interface FixedClock extends Clock {
  /** Moves the clock to `at`, where it stays. */
  set(at: Date): void;
}

/** A clock standing at `start` (the bench instant by default) until `set` moves it. */
export function fixedClock(start: Date = BENCH_NOW): FixedClock {
  const real = systemClock();
  let at = start.getTime();
  return {
    now: () => new Date(at),
    sleep: (ms, signal) => real.sleep(ms, signal),
    yield: () => real.yield!(),
    set: (to) => {
      at = to.getTime();
    },
  };
}

/** A transport that accepts every message at once, counting them, and keeps the first `keep`. */
export interface InstantTransport extends Transport {
  readonly accepted: () => number;
  readonly kept: OutboundMessage[];
}

/** A transport that accepts every message at once and keeps the first `keep` of them. */
export function instantTransport(keep = 0): InstantTransport {
  let accepted = 0;
  const kept: OutboundMessage[] = [];
  return {
    name: "instant",
    accepted: () => accepted,
    kept,
    async send(message) {
      accepted += 1;
      if (kept.length < keep) kept.push(message);
      return { status: "accepted", response: "250 2.0.0 OK" };
    },
  };
}

/** Secrets and base URL of the tracking links every benchmark email carries. */
export const BENCH_TRACKING = {
  baseUrl: "http://127.0.0.1/t",
  secrets: ["bench-tracking-secret-that-is-long-enough"],
};

/**
 * The engine as a host would build it, over `store`, with the bench's fixed clock and tracking on, and
 * the errors it recovered from (a run with any is not a valid run).
 */
export function benchEngine(
  store: Store,
  transport: Transport,
  options: { batchSize?: number | null; batchesInFlight?: number | null; clock?: Clock } = {},
): { cadenza: Cadenza; recovered: string[] } {
  const recovered: string[] = [];
  const clock = options.clock ?? fixedClock();
  const settings: CadenzaOptions = {
    store,
    transport,
    clock,
    random: cryptoRandom(),
    // Ids carry real time so they stay ordered like a production run's; the clock only fixes "now".
    ids: uuidV7Ids(systemClock()),
    sender: { name: "Ana", email: "ana@harbor.example" },
    messageIdDomain: "harbor.example",
    customVariables: ["hotel_name"],
    tracking: BENCH_TRACKING,
    // As the docs advise a dispatching host: MJML compiled in a worker, so the process never holds mjml.
    mjml: mjmlWorker(),
    // An error the engine recovered from still means the run did not do what it measured: kept for the check.
    onError: (error, context) => {
      recovered.push(`${context}: ${error.message}`);
    },
  };
  settings.dispatch = {};
  if (options.batchSize) settings.dispatch.batchSize = options.batchSize;
  if (options.batchesInFlight) settings.dispatch.batchesInFlight = options.batchesInFlight;
  return { cadenza: createCadenza(settings), recovered };
}
