import { describe, expect, it } from "vitest";
import { isCadenzaError } from "../errors.js";
import { batchCalls } from "./batch-calls.js";

/** A batch operation whose calls stay pending until the test settles them. */
function controlledRun() {
  const calls: { items: number[]; resolve(results: string[]): void; reject(error: unknown): void }[] = [];
  const run = (items: number[]) =>
    new Promise<string[]>((resolve, reject) => {
      calls.push({ items, resolve, reject });
    });
  return { calls, run };
}

/** Lets every settled promise's reactions run (a handful of microtask turns). */
async function settled(): Promise<void> {
  for (let i = 0; i < 10; i += 1) await Promise.resolve();
}

describe("batchCalls", () => {
  it("starts a lone item at once and sends everything that arrived meanwhile in one next call", async () => {
    const { calls, run } = controlledRun();
    const submit = batchCalls(run, { maxBatch: 100, maxWaiting: 100 });
    const first = submit(1);
    const rest = [submit(2), submit(3), submit(4)];
    expect(calls.map((c) => c.items)).toEqual([[1]]);

    calls[0]!.resolve(["one"]);
    expect(await first).toBe("one");
    await settled();
    expect(calls.map((c) => c.items)).toEqual([[1], [2, 3, 4]]);
    calls[1]!.resolve(["two", "three", "four"]);
    expect(await Promise.all(rest)).toEqual(["two", "three", "four"]);
  });

  it("resolves no caller before its own batch has settled", async () => {
    const { calls, run } = controlledRun();
    const submit = batchCalls(run, { maxBatch: 100, maxWaiting: 100 });
    let done = false;
    void submit(1);
    const second = submit(2).then((r) => {
      done = true;
      return r;
    });
    calls[0]!.resolve(["one"]);
    await settled();
    expect(calls).toHaveLength(2);
    expect(done).toBe(false);
    calls[1]!.resolve(["two"]);
    expect(await second).toBe("two");
  });

  it("rejects every caller of a failed batch, and only those", async () => {
    const { calls, run } = controlledRun();
    const submit = batchCalls(run, { maxBatch: 100, maxWaiting: 100 });
    const first = submit(1);
    const failed = [submit(2), submit(3)];
    calls[0]!.resolve(["one"]);
    await first;
    await settled();
    const later = submit(4);
    calls[1]!.reject(new Error("store down"));
    for (const call of failed) await expect(call).rejects.toThrow("store down");
    await settled();
    expect(calls[2]!.items).toEqual([4]);
    calls[2]!.resolve(["four"]);
    expect(await later).toBe("four");
  });

  it("rejects a batch whose results do not line up with its items", async () => {
    const submit = batchCalls(async () => ["only one"], { maxBatch: 100, maxWaiting: 100 });
    const results = await Promise.allSettled([submit(1), submit(2), submit(3)]);
    expect(results[0]).toEqual({ status: "fulfilled", value: "only one" });
    expect(results[1]?.status).toBe("rejected");
    expect(results[2]?.status).toBe("rejected");
  });

  it("splits a queue longer than maxBatch and refuses items past maxWaiting with STORE_BUSY, telling how many wait", async () => {
    const { calls, run } = controlledRun();
    const submit = batchCalls(run, { maxBatch: 2, maxWaiting: 3 });
    const accepted = [submit(1), submit(2), submit(3), submit(4)];
    expect(submit.waiting).toBe(3);
    const refused = submit(5);
    await expect(refused).rejects.toSatisfy((e: unknown) => isCadenzaError(e, "STORE_BUSY"));
    calls[0]!.resolve(["1"]);
    await settled();
    expect(calls[1]!.items).toEqual([2, 3]);
    expect(submit.waiting).toBe(1);
    calls[1]!.resolve(["2", "3"]);
    await settled();
    expect(calls[2]!.items).toEqual([4]);
    calls[2]!.resolve(["4"]);
    expect(await Promise.all(accepted)).toEqual(["1", "2", "3", "4"]);
  });
});
