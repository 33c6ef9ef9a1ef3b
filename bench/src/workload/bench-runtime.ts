import {
  type CadenzaOptions,
  type Clock,
  createCadenza,
  type OutboundMessage,
  type Store,
  type Transport,
} from "@cadenza/core";
import { cryptoRandom, systemClock, uuidV7Ids } from "@cadenza/core/runtime";

/** A Wednesday, 11:00 UTC: inside the bench campaign's window, so every enrolled lead is due. */
export const BENCH_NOW = new Date("2026-01-07T11:00:00Z");

/** A clock stopped at `at`, sleeping on real timers (the dispatcher loop's idle wait). */
export function fixedClock(at: Date = BENCH_NOW): Clock {
  const real = systemClock();
  return { now: () => new Date(at.getTime()), sleep: (ms, signal) => real.sleep(ms, signal) };
}

/** A transport that accepts every message at once, counting them, and keeps the first `keep`. */
export interface InstantTransport extends Transport {
  readonly accepted: () => number;
  readonly kept: OutboundMessage[];
}

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

/** The engine as a host would build it, over `store`, with the bench's fixed clock and tracking on. */
export function benchEngine(
  store: Store,
  transport: Transport,
  options: { batchSize?: number | null } = {},
): ReturnType<typeof createCadenza> {
  const clock = fixedClock();
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
  };
  if (options.batchSize) settings.dispatch = { batchSize: options.batchSize };
  return createCadenza(settings);
}
