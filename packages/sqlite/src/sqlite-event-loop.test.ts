import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Clock, createCadenza, type Transport } from "@cadenza/core";
import { cryptoRandom, systemClock, uuidV7Ids } from "@cadenza/core/runtime";
import { afterAll, describe, expect, it } from "vitest";
import { turnsDuring } from "./sqlite-loop-turns.js";
import { sqliteStore } from "./sqlite-store.js";

const dir = mkdtempSync(join(tmpdir(), "cadenza-sqlite-loop-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A Monday, 10:00 UTC, inside the default window; sleeping and yielding on the real event loop. */
function standingClock(): Clock {
  const real = systemClock();
  return {
    now: () => new Date("2026-01-05T10:00:00Z"),
    sleep: (ms, signal) => real.sleep(ms, signal),
    yield: () => real.yield!(),
  };
}

describe("a dispatch on the SQLite store, on the host's thread", () => {
  it("leaves the event loop turns for the host's other work, though every store call is synchronous", async () => {
    const store = sqliteStore(join(dir, "loop.sqlite"), { migrate: true });
    let accepted = 0;
    const transport: Transport = {
      name: "instant",
      async send() {
        accepted += 1;
        return { status: "accepted", response: "250 OK" };
      },
    };
    const cadenza = createCadenza({
      store,
      transport,
      clock: standingClock(),
      random: cryptoRandom(),
      ids: uuidV7Ids(systemClock()),
      sender: { name: "Ana", email: "ana@harbor.example" },
      // One batch at a time, so each of its yields is a turn of its own.
      dispatch: { batchesInFlight: 1 },
    });
    const campaign = await cadenza.campaigns.create({
      name: "Loop",
      dailyLimit: 10_000,
      steps: [{ stepNumber: 1, variantA: { subject: "Hi {{first_name}}", body: "Hello {{first_name}}" } }],
    });
    await cadenza.prospects.upsert(
      Array.from({ length: 1000 }, (_, i) => ({ email: `p${i}@example.com`, firstName: `P${i}` })),
    );
    await cadenza.audience.enroll(campaign.id, { filter: {} });
    await cadenza.campaigns.activate(campaign.id);

    // A dispatch made of synchronous store calls and microtasks would leave other work no turn.
    let report: Awaited<ReturnType<typeof cadenza.dispatch.tick>> | undefined;
    const during = await turnsDuring(async () => {
      report = await cadenza.dispatch.tick();
    });
    expect(report?.sent).toBe(1000);
    expect(accepted).toBe(1000);
    // 10 batches: a turn before each claim and write, and after each 10 leads composed (none at
    // all without `Clock.yield`).
    expect(during).toBeGreaterThanOrEqual(10 * (1 + 10 + 1));
    await store.close();
  });
});
