import type { EventKind, NewEvent } from "../ports.js";

/** An engine event as hosts receive it (e.g. to fire webhooks). */
export type CadenzaEvent = NewEvent;

export type EventHandler = (event: CadenzaEvent) => void | Promise<void>;

/**
 * A typed event emitter. Handlers run after the store has recorded the change; a failing handler is
 * reported to `onError` and never undoes or blocks the engine's work.
 *
 * ```ts
 * cadenza.on("replied", (e) => notifySlack(e.leadId));
 * cadenza.on("*", (e) => webhook.post(e));
 * ```
 */
export class CadenzaHooks {
  #handlers = new Map<EventKind | "*", Set<EventHandler>>();
  #onError: (error: unknown, event: CadenzaEvent) => void;

  constructor(onError: (error: unknown, event: CadenzaEvent) => void) {
    this.#onError = onError;
  }

  on(kind: EventKind | "*", handler: EventHandler): () => void {
    let set = this.#handlers.get(kind);
    if (!set) {
      set = new Set();
      this.#handlers.set(kind, set);
    }
    set.add(handler);
    return () => set.delete(handler);
  }

  /** Delivers events to their handlers; waits for async handlers, reporting their failures. */
  async emit(events: readonly CadenzaEvent[]): Promise<void> {
    const runs: Promise<void>[] = [];
    for (const event of events) {
      for (const kind of [event.kind, "*"] as const) {
        for (const handler of this.#handlers.get(kind) ?? []) {
          runs.push(
            (async () => {
              try {
                await handler(event);
              } catch (error) {
                this.#onError(error, event);
              }
            })(),
          );
        }
      }
    }
    await Promise.all(runs);
  }
}
