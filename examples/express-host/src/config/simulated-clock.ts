import type { Clock } from "@cadenza/core";

/**
 * A clock that moves only when told to, for `CADENZA_FAKE_CLOCK`. It behaves like the test kit's
 * `FakeClock`, which cannot be loaded here: `@cadenza/core/testing` also exports the store
 * conformance suite, and that imports vitest, which refuses to load outside a test run.
 */
export class SimulatedClock implements Clock {
  #now: number;
  #sleepers: { at: number; wake: () => void }[] = [];

  constructor(start: Date | string) {
    this.#now = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.#now);
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (ms <= 0 || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const sleeper = { at: this.#now + ms, wake: resolve };
      this.#sleepers.push(sleeper);
      signal?.addEventListener(
        "abort",
        () => {
          this.#sleepers = this.#sleepers.filter((s) => s !== sleeper);
          resolve();
        },
        { once: true },
      );
    });
  }

  /** Moves time forward and wakes every sleeper whose time has come. */
  advance(ms: number): Date {
    if (ms < 0) throw new RangeError("The simulated clock cannot go backwards through advance; use set");
    return this.set(this.#now + ms);
  }

  /** Jumps to an instant (forward or back) and wakes every sleeper whose time has come. */
  set(to: Date | string | number): Date {
    this.#now = new Date(to).getTime();
    const due = this.#sleepers.filter((s) => s.at <= this.#now);
    this.#sleepers = this.#sleepers.filter((s) => s.at > this.#now);
    for (const sleeper of due) sleeper.wake();
    return this.now();
  }
}
