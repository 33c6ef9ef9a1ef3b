/**
 * The program of a store thread (`sqliteStore(file, { thread: true })`): it opens the store on the
 * file and runs the host's calls against it, one message each, concurrently as the host sends them
 * (the store's one connection takes them in turn, as it does on the host's thread).
 */
import { parentPort, workerData } from "node:worker_threads";
import type { SqlEnrollRequest, SqlStore } from "@cadenza/sql";
import type { SqliteStore } from "./sqlite-store.js";
import { sqliteStore } from "./sqlite-store.js";
import type { FromThread, ToThread } from "./sqlite-thread-protocol.js";
import { fromWire, toWire } from "./sqlite-thread-protocol.js";
import type { ThreadData } from "./sqlite-thread-store.js";

const port = parentPort;
if (!port) throw new Error("sqlite-store-thread runs in a worker thread");
const data = workerData as ThreadData;

let store: SqliteStore | null = null;
let openError: unknown = null;
try {
  store = sqliteStore(data.file, data.options);
} catch (error) {
  // Every call answers with it, as the host's first use would have met it.
  openError = error;
}

const waitingForIds = new Map<number, { resolve: (ids: string[]) => void; reject: (error: Error) => void }>();
const post = (message: FromThread) => port.postMessage(message);
const checkpoints = () => store?.checkpoints() ?? { mode: "inline" as const, runs: 0 };

port.on("message", (message: ToThread) => {
  if (message.kind === "ids") {
    const waiting = waitingForIds.get(message.id);
    waitingForIds.delete(message.id);
    if ("ids" in message) waiting?.resolve(message.ids);
    else waiting?.reject(fromWire(message.error));
    return;
  }
  void answer(message.id, message.method, message.args);
});

async function answer(id: number, method: string, args: unknown[]): Promise<void> {
  try {
    const value = await run(id, method, args);
    post({ kind: "result", id, value, checkpoints: checkpoints() });
  } catch (error) {
    post({ kind: "error", id, error: toWire(error), checkpoints: checkpoints() });
  }
}

function run(id: number, method: string, args: unknown[]): Promise<unknown> {
  if (method === "close") return store ? store.close() : Promise.resolve();
  if (!store) return Promise.reject(openError);
  if (method === "enrollProspects") {
    const request: SqlEnrollRequest = {
      ...(args[0] as SqlEnrollRequest),
      newId: () => {
        throw new Error("a store thread takes its lead ids from the host, through newIds");
      },
      newIds: (count) =>
        new Promise<string[]>((resolve, reject) => {
          waitingForIds.set(id, { resolve, reject });
          post({ kind: "ids", id, count });
        }),
    };
    return store.enrollProspects(request);
  }
  const fn = (store as unknown as Record<string, unknown>)[method];
  if (typeof fn !== "function") return Promise.reject(new Error(`The store has no method ${method}`));
  return (fn as (...a: unknown[]) => Promise<unknown>).apply(store as SqlStore, args);
}
