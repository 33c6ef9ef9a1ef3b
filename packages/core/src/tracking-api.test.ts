import { describe, expect, it } from "vitest";
import type { EngagementWrite, Store } from "./ports.js";
import { memoryStore, sentTrackedEmails } from "./testing/index.js";

const HUMAN =
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Thunderbird/128.0";

/** A memory store whose engagement writes wait for the test to let each one through. */
function gatedStore() {
  const store = memoryStore();
  const writes: EngagementWrite[][] = [];
  const gates: (() => void)[] = [];
  let failNext: Error | null = null;
  const gated: Store = {
    ...store,
    async recordEngagements(engagements) {
      writes.push(engagements);
      await new Promise<void>((resolve) => gates.push(resolve));
      if (failNext) {
        const error = failNext;
        failNext = null;
        throw error;
      }
      return store.recordEngagements(engagements);
    },
  };
  return {
    store: gated,
    writes,
    /** Lets the oldest waiting write through. */
    release: () => gates.shift()?.(),
    failNextWrite: (error: Error) => {
      failNext = error;
    },
  };
}

/** Lets pending I/O callbacks (Web Crypto's) and their promise reactions run. */
const turn = () => new Promise((resolve) => setTimeout(resolve, 20));

async function sentOpens(store: Store, count: number) {
  const { cadenza, campaignId, opens: tokens, clicks } = await sentTrackedEmails(store, count);
  expect(tokens).toHaveLength(count);
  expect(tokens.every((token) => token.length > 0)).toBe(true);
  return { cadenza, campaignId, tokens, clicks };
}

describe("the tracking API", () => {
  it("writes opens that arrive while a write is in flight together, answering each only once it is written", async () => {
    const gate = gatedStore();
    const { cadenza, campaignId, tokens } = await sentOpens(gate.store, 4);
    const answered: number[] = [];
    const opens = tokens.map((token, i) =>
      cadenza.tracking.open({ token, userAgent: HUMAN }).then((result) => {
        answered.push(i);
        return result;
      }),
    );
    await turn();
    expect(gate.writes.map((w) => w.length)).toEqual([1]);
    expect(answered).toEqual([]);

    gate.release();
    await turn();
    expect(answered).toHaveLength(1);
    expect(gate.writes.map((w) => w.length)).toEqual([1, 3]);
    gate.release();
    expect(await Promise.all(opens)).toEqual(tokens.map(() => ({ recorded: true, machine: false })));
    expect(await cadenza.store.listEvents({ campaignId, kinds: ["opened"], limit: 10 })).toHaveLength(4);
    expect((await cadenza.counters(campaignId)).emailsOpened).toBe(4);
  });

  it("rejects every open of a write that failed, and records none of them", async () => {
    const gate = gatedStore();
    const { cadenza, campaignId, tokens } = await sentOpens(gate.store, 3);
    const first = cadenza.tracking.open({ token: tokens[0]!, userAgent: HUMAN });
    await turn();
    const others = tokens.slice(1).map((token) => cadenza.tracking.open({ token, userAgent: HUMAN }));
    await turn();
    gate.release();
    await first;
    await turn();
    gate.failNextWrite(new Error("connection lost"));
    gate.release();
    for (const open of others) await expect(open).rejects.toThrow("connection lost");
    expect(await cadenza.store.listEvents({ campaignId, kinds: ["opened"], limit: 10 })).toHaveLength(1);
    expect((await cadenza.counters(campaignId)).emailsOpened).toBe(1);
  });

  it("queues opens and clicks before their write, settling `written` once it is done", async () => {
    const gate = gatedStore();
    const { cadenza, campaignId, tokens } = await sentOpens(gate.store, 3);
    const queued = await Promise.all(
      tokens.map((token) => cadenza.tracking.queueOpen({ token, userAgent: HUMAN })),
    );
    let written = 0;
    for (const q of queued) void q.written.then(() => written++);
    await turn();
    expect(written).toBe(0);
    expect(await cadenza.store.listEvents({ campaignId, kinds: ["opened"], limit: 10 })).toHaveLength(0);

    gate.release();
    await turn();
    gate.release();
    expect(await Promise.all(queued.map((q) => q.written))).toEqual(
      tokens.map(() => ({ recorded: true, machine: false })),
    );
    expect(await cadenza.store.listEvents({ campaignId, kinds: ["opened"], limit: 10 })).toHaveLength(3);
  });

  it("answers a queued click with the email's own link before its write", async () => {
    const gate = gatedStore();
    const { cadenza, campaignId, clicks } = await sentOpens(gate.store, 1);
    const click = await cadenza.tracking.queueClick({ token: clicks[0]!, userAgent: HUMAN });
    expect(click.url).toBe("https://example.com/x");
    expect(await cadenza.store.listEvents({ campaignId, kinds: ["clicked"], limit: 10 })).toHaveLength(0);
    gate.release();
    await click.written;
    expect(await cadenza.store.listEvents({ campaignId, kinds: ["clicked"], limit: 10 })).toHaveLength(1);
  });

  it("answers only after the write once more than 1 000 engagements wait for one", async () => {
    const gate = gatedStore();
    const { cadenza, campaignId, tokens } = await sentOpens(gate.store, 1);
    let answered = 0;
    const queued = Array.from({ length: 1_003 }, () =>
      cadenza.tracking.queueOpen({ token: tokens[0]!, userAgent: HUMAN }).then((q) => {
        answered++;
        return q;
      }),
    );
    // Verifying a thousand tokens takes a while on a busy machine.
    for (let i = 0; i < 200 && answered < 1_001; i++) await turn();
    await turn();
    // One in flight, 1 000 waiting and answered; the two beyond wait for their own write.
    expect(gate.writes.map((w) => w.length)).toEqual([1]);
    expect(answered).toBe(1_001);

    while (gate.writes.length < 4) {
      gate.release();
      await turn();
    }
    gate.release();
    await Promise.all((await Promise.all(queued)).map((q) => q.written));
    expect(answered).toBe(1_003);
    expect(gate.writes.map((w) => w.length)).toEqual([1, 500, 500, 2]);
    expect(await cadenza.store.listEvents({ campaignId, kinds: ["opened"], limit: 2_000 })).toHaveLength(
      1_003,
    );
  });
});
