import { describe, expect, it } from "vitest";
import { cryptoRandom, systemClock, uuidV7Ids } from "./index.js";

describe("system runtime", () => {
  it("makes valid, time-ordered, unique UUIDv7 ids", () => {
    let t = 1_700_000_000_000;
    const ids = uuidV7Ids({
      now: () => {
        t += 1;
        return new Date(t);
      },
    });
    const list = Array.from({ length: 1000 }, () => ids.id());
    for (const id of list)
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(list).size).toBe(1000);
    expect([...list].sort()).toEqual(list);
  });

  it("draws floats in [0, 1) spread over the range", () => {
    const random = cryptoRandom();
    const draws = Array.from({ length: 10_000 }, () => random.next());
    expect(draws.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(draws.filter((x) => x < 0.5).length).toBeGreaterThan(4500);
    expect(draws.filter((x) => x < 0.5).length).toBeLessThan(5500);
  });

  it("yields a turn of the event loop, unless the loop has had one since the last yield", async () => {
    const clock = systemClock();
    // Counts turns of the loop: each check phase runs it once.
    let turns = 0;
    let counting = true;
    const count = () => {
      turns += 1;
      if (counting) setImmediate(count);
    };
    setImmediate(count);
    // Work that never leaves the microtask queue gets a turn at each yield.
    for (let i = 0; i < 5; i++) await clock.yield!();
    expect(turns).toBe(5);
    // Work that waited on I/O or a timer has let the loop turn: the next yield costs no turn.
    await new Promise((resolve) => setTimeout(resolve, 5));
    const before = turns;
    await clock.yield!();
    expect(turns).toBe(before);
    await clock.yield!();
    expect(turns).toBe(before + 1);
    counting = false;
  });

  it("wakes a sleeper early when its signal aborts", async () => {
    const controller = new AbortController();
    const slept = systemClock().sleep(60_000, controller.signal);
    controller.abort();
    await expect(slept).resolves.toBeUndefined();
  });
});
