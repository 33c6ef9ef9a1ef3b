import { CadenzaError } from "../errors.js";

/** How big `batchCalls` lets a batch and its queue grow. */
export interface BatchLimits {
  /** Most items one call of the batch operation takes; the rest wait for the next call. */
  maxBatch: number;
  /** Most items waiting for a call; past it a new item is refused with `STORE_BUSY` instead of queued. */
  maxWaiting: number;
}

/** A per-item call made by `batchCalls`, with what it has queued. */
export interface BatchedCall<I, O> {
  (item: I): Promise<O>;
  /** Items waiting for a call now, not counting the call in flight. */
  readonly waiting: number;
}

interface Waiting<I, O> {
  item: I;
  resolve(result: O): void;
  reject(error: unknown): void;
}

/**
 * Turns a batch operation into a per-item one that groups concurrent callers, with no timer (group
 * commit): an item submitted while no call is in flight starts one at once; items submitted while a
 * call is in flight wait, and all go together in the next. Each caller's promise settles only when
 * its own batch has, with the result at its index; a batch that fails rejects every caller in it.
 * N concurrent callers so cost one round trip instead of N, and a lone caller waits for nobody.
 *
 * ```ts
 * const lookUp = batchCalls((ids: string[]) => store.lookUpMany(ids), { maxBatch: 500, maxWaiting: 10_000 });
 * const one = await lookUp(id); // shares its query with every lookUp made meanwhile
 * ```
 *
 * `waiting` tells how far the callers are ahead of the operation, for callers that pace themselves.
 */
export function batchCalls<I, O>(run: (items: I[]) => Promise<O[]>, limits: BatchLimits): BatchedCall<I, O> {
  let waiting: Waiting<I, O>[] = [];
  let inFlight = false;

  const settle = async (batch: Waiting<I, O>[]): Promise<void> => {
    try {
      const results = await run(batch.map((w) => w.item));
      if (results.length !== batch.length) {
        throw new CadenzaError("INTERNAL", {
          message: `A batch of ${batch.length} answered ${results.length} results`,
        });
      }
      batch.forEach((w, i) => {
        w.resolve(results[i] as O);
      });
    } catch (error) {
      for (const w of batch) w.reject(error);
    }
  };

  const startNext = (): void => {
    if (inFlight || waiting.length === 0) return;
    const batch = waiting.slice(0, limits.maxBatch);
    waiting = waiting.length > batch.length ? waiting.slice(batch.length) : [];
    inFlight = true;
    void settle(batch).then(() => {
      inFlight = false;
      startNext();
    });
  };

  const call = (item: I): Promise<O> => {
    if (waiting.length >= limits.maxWaiting) {
      return Promise.reject(
        new CadenzaError("STORE_BUSY", {
          message: `${waiting.length} calls are already waiting for the store`,
        }),
      );
    }
    return new Promise<O>((resolve, reject) => {
      waiting.push({ item, resolve, reject });
      startNext();
    });
  };
  return Object.defineProperty(call, "waiting", { get: () => waiting.length }) as BatchedCall<I, O>;
}
