import { type Cadenza, type CadenzaOptions, createCadenza } from "../cadenza.js";
import type { Store } from "../ports.js";
import { FakeClock } from "./fake-clock.js";
import { memoryStore } from "./memory/memory-store.js";
import { type RecordingTransport, recordingTransport } from "./recording-transport.js";
import { seededRandom, sequentialIds } from "./seeded.js";

/** Options of `testCadenza`: any engine option, plus the test kit's own parts. */
export interface TestCadenzaOptions extends Partial<Omit<CadenzaOptions, "clock">> {
  /** Where the fake clock starts (default Monday 5 January 2026, 10:00 UTC: inside a 9–17 window). */
  start?: Date | string;
  clock?: FakeClock;
  /** Hex prefix of the sequential ids, to keep two engines' ids apart. */
  idPrefix?: number;
  /** Seed of the random source. */
  seed?: number;
}

export interface TestCadenza {
  cadenza: Cadenza;
  clock: FakeClock;
  store: Store;
  /** The recording transport (when no `transport` was given). */
  transport: RecordingTransport;
}

/**
 * An engine for tests: in-memory store (or yours), fake clock, recording transport, seeded random
 * source and sequential ids, and a default sender. Everything can be overridden.
 *
 * ```ts
 * const { cadenza, clock, transport } = testCadenza();
 * await cadenza.dispatch.tick();
 * clock.advance(86_400_000);
 * ```
 */
export function testCadenza(options: TestCadenzaOptions = {}): TestCadenza {
  const { start, clock: givenClock, idPrefix, seed, ...engineOptions } = options;
  const clock = givenClock ?? new FakeClock(start ?? "2026-01-05T10:00:00Z");
  const transport = recordingTransport();
  const store = engineOptions.store ?? memoryStore();
  const cadenza = createCadenza({
    transport,
    random: seededRandom(seed ?? 1),
    ids: sequentialIds(idPrefix ?? 1),
    sender: { name: "Ana", email: "ana@sender.test" },
    ...engineOptions,
    store,
    clock,
  });
  return { cadenza, clock, store, transport };
}
