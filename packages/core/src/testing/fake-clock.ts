import type { Clock } from "../ports.js";

interface Sleeper {
  at: number;
  resolve: () => void;
}

/**
 * A clock that only moves when told to. Sleepers wake when `advance` or `set` passes their time.
 *
 * ```ts
 * const clock = new FakeClock("2026-03-02T09:00:00Z");
 * clock.advance(60_000);
 * ```
 */
export class FakeClock implements Clock {
  #now: number;
  #sleepers: Sleeper[] = [];

  constructor(start: Date | string | number = "2026-01-05T09:00:00Z") {
    this.#now = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.#now);
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (ms <= 0 || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const sleeper: Sleeper = { at: this.#now + ms, resolve };
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

  /** Moves time forward by `ms` and wakes every sleeper whose time has come. */
  advance(ms: number): Date {
    if (ms < 0) throw new RangeError("FakeClock cannot go backwards; use set()");
    return this.set(this.#now + ms);
  }

  /** Jumps to `to` (forward or backward) and wakes every sleeper whose time has come. */
  set(to: Date | string | number): Date {
    this.#now = new Date(to).getTime();
    const due = this.#sleepers.filter((s) => s.at <= this.#now);
    this.#sleepers = this.#sleepers.filter((s) => s.at > this.#now);
    for (const s of due) s.resolve();
    return this.now();
  }

  /** Number of pending sleepers (lets tests wait until a worker loop is idle). */
  get pendingSleepers(): number {
    return this.#sleepers.length;
  }
}
