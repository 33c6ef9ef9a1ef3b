import { describe, expect, it } from "vitest";
import type { Store } from "../ports.js";
import { FakeClock, memoryStore, testCadenza } from "../testing/index.js";

/** A fake clock that can be yielded to, writing each yield into `log`. */
class YieldingClock extends FakeClock {
  constructor(private readonly log: string[]) {
    super("2026-01-05T10:00:00Z");
  }
  async yield(): Promise<void> {
    this.log.push("yield");
  }
}

/** The memory store, writing each claim and write of a dispatch into `log`. */
function loggingStore(log: string[]): Store {
  const store = memoryStore();
  const logged = new Set(["claimDueLeads", "beginSends", "completeSends"]);
  return new Proxy(store, {
    get(target, key) {
      const value = Reflect.get(target, key, target);
      if (typeof value !== "function" || !logged.has(String(key))) return value;
      return (...args: unknown[]) => {
        log.push(String(key));
        return value.apply(target, args);
      };
    },
  });
}

describe("a dispatch on a clock that can be yielded to", () => {
  it("lets the host's other work run before each claim and write, and every 10 leads it composes", async () => {
    const log: string[] = [];
    const { cadenza, transport } = testCadenza({
      store: loggingStore(log),
      clock: new YieldingClock(log),
      dispatch: { batchSize: 100, batchesInFlight: 1 },
    });
    const campaign = await cadenza.campaigns.create({
      name: "Yielding",
      dailyLimit: 1000,
      steps: [{ stepNumber: 1, variantA: { subject: "Hi {{first_name}}", body: "Hello" } }],
    });
    await cadenza.prospects.upsert(
      Array.from({ length: 150 }, (_, i) => ({ email: `p${i}@example.com`, firstName: `P${i}` })),
    );
    await cadenza.audience.enroll(campaign.id, { filter: {} });
    await cadenza.campaigns.activate(campaign.id);
    log.length = 0;

    expect(await cadenza.dispatch.tick()).toMatchObject({ sent: 150 });
    expect(transport.sent).toHaveLength(150);
    const writes = log.flatMap((entry, i) => (entry === "yield" ? [] : [[entry, log[i - 1]]]));
    expect(writes.map(([write]) => write)).toEqual([
      "claimDueLeads",
      "beginSends",
      "completeSends",
      "claimDueLeads",
      "beginSends",
      "completeSends",
    ]);
    // Each right after a yield.
    expect(writes.every(([, before]) => before === "yield")).toBe(true);
    // Between a claim and its `beginSends`: a yield after each 10 leads composed, and one before the write.
    const between = (from: number) => {
      const claim = log.indexOf("claimDueLeads", from);
      return log.slice(claim, log.indexOf("beginSends", claim)).filter((e) => e === "yield").length;
    };
    expect(between(0)).toBe(Math.ceil(100 / 10) - 1 + 1);
    expect(between(log.indexOf("completeSends") + 1)).toBe(Math.ceil(50 / 10) - 1 + 1);
  });
});
