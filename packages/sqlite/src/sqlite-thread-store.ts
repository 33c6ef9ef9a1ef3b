import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { CadenzaError } from "@cadenza/core";
import type { SqlEnrollRequest, SqlStore } from "@cadenza/sql";
import type { SqliteCheckpointStats } from "./sqlite-checkpointer.js";
import type { SqliteStore, SqliteStoreOptions } from "./sqlite-store.js";
import { type FromThread, fromWire, type ToThread, toWire } from "./sqlite-thread-protocol.js";

/** What a store thread is started with. */
export interface ThreadData {
  file: string;
  options: Omit<SqliteStoreOptions, "thread">;
}

/** The store methods that run in the thread: all but `name`, `close` and `checkpoints`. */
const METHODS = [
  "migrate",
  "audit",
  "createCampaign",
  "updateCampaign",
  "getCampaign",
  "listCampaigns",
  "deleteCampaign",
  "saveMailbox",
  "getMailbox",
  "listMailboxes",
  "deleteMailbox",
  "upsertProspects",
  "getProspects",
  "findProspects",
  "previewAudience",
  "enrollProspects",
  "saveAudience",
  "getAudience",
  "listAudiences",
  "deleteAudience",
  "getLead",
  "findLead",
  "listLeads",
  "applyLeadChanges",
  "findLeadsToResume",
  "claimDueLeads",
  "getThreads",
  "beginSends",
  "completeSends",
  "releaseLeads",
  "renewLeases",
  "recoverAbandonedSends",
  "getQuotaUsage",
  "holdSenders",
  "releaseSenders",
  "listSenderHolds",
  "getEmail",
  "findEmailsByMessageId",
  "listEmails",
  "getTrackingTargets",
  "recordEngagements",
  "findLastEmailsTo",
  "saveInboundEmail",
  "markEmail",
  "suppress",
  "findSuppressed",
  "listSuppressions",
  "getCounters",
  "getDailyActivity",
  "appendEvents",
  "listEvents",
] as const satisfies readonly (keyof SqlStore)[];

// A method added to the store and not listed above does not compile.
type Unlisted = Exclude<keyof SqlStore, (typeof METHODS)[number] | "name" | "close">;
const everyMethodListed: [Unlisted] extends [never] ? true : Unlisted = true;
void everyMethodListed;

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  /** The enrollment's id function, for the thread's `ids` requests. */
  newId?: () => string;
}

/**
 * A SQLite store whose connection lives in a worker thread: every method posts its arguments to the
 * thread and resolves with its answer, so better-sqlite3's synchronous statements never hold the
 * host's event loop (tracking requests and the engine's rendering go on while a batch is written).
 */
export function threadStore(
  file: string,
  options: ThreadData["options"],
  /** Starts the thread (tests start one that fails). */
  start: (data: ThreadData) => Worker = startThread,
): SqliteStore {
  const worker = start({ file, options });
  const pending = new Map<number, Pending>();
  let nextId = 0;
  let checkpoints: SqliteCheckpointStats = { mode: "inline", runs: 0 };
  let closing: Promise<void> | null = null;
  let stopped: Error | null = null;

  // An idle thread never keeps the host's process alive; one with calls in flight does, so a host
  // awaiting the store does not end before its answer.
  worker.unref();
  const settle = (id: number): Pending | undefined => {
    const entry = pending.get(id);
    pending.delete(id);
    if (pending.size === 0) worker.unref();
    return entry;
  };
  const stop = (reason: string) => {
    stopped ??= new CadenzaError("STORE_UNAVAILABLE", {
      message: `The SQLite store thread for ${file} stopped: ${reason}`,
      details: { location: file },
    });
    for (const id of [...pending.keys()]) settle(id)?.reject(stopped);
  };

  worker.on("message", (message: FromThread) => {
    if (message.kind === "ids") {
      const newId = pending.get(message.id)?.newId;
      let answer: ToThread;
      try {
        if (!newId) throw new Error("no enrollment is waiting for ids");
        answer = { kind: "ids", id: message.id, ids: Array.from({ length: message.count }, () => newId()) };
      } catch (error) {
        answer = { kind: "ids", id: message.id, error: toWire(error) };
      }
      worker.postMessage(answer);
      return;
    }
    checkpoints = message.checkpoints;
    const entry = settle(message.id);
    if (message.kind === "result") entry?.resolve(message.value);
    else entry?.reject(fromWire(message.error));
  });
  worker.on("error", (error) => stop(error.message));
  worker.on("exit", (code) => stop(`the thread exited with code ${code}`));

  const call = (method: string, args: unknown[], newId?: () => string): Promise<unknown> => {
    if (closing) {
      return Promise.reject(
        new CadenzaError("STORE_UNAVAILABLE", {
          message: `The sqlite store (${file}) is closed`,
          details: { location: file },
        }),
      );
    }
    if (stopped) return Promise.reject(stopped);
    const id = ++nextId;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject, ...(newId ? { newId } : {}) });
      if (pending.size === 1) worker.ref();
      try {
        worker.postMessage({ kind: "call", id, method, args } satisfies ToThread);
      } catch (error) {
        settle(id);
        reject(
          new CadenzaError("VALIDATION", {
            message: `The arguments of ${method} cannot be passed to the store thread: ${(error as Error).message}`,
            cause: error,
          }),
        );
      }
    });
  };

  const methods = Object.fromEntries(
    METHODS.map((method) => [method, (...args: unknown[]) => call(method, args)]),
  ) as unknown as Pick<SqlStore, (typeof METHODS)[number]>;

  return {
    ...methods,
    name: "sqlite",
    enrollProspects(request) {
      // The id function stays here: the thread asks for the ids it needs in one message.
      const { newId, newIds: _, ...rest } = request as SqlEnrollRequest;
      return call("enrollProspects", [rest], newId) as ReturnType<SqlStore["enrollProspects"]>;
    },
    checkpoints: () => checkpoints,
    close() {
      if (!closing) {
        const closed = call("close", []);
        closing = closed.then(
          () => worker.terminate().then(() => undefined),
          async (error: unknown) => {
            await worker.terminate();
            // A thread that had already stopped has nothing left open.
            if (error !== stopped) throw error;
          },
        );
      }
      return closing;
    },
  };
}

/**
 * Starts the thread's program: `sqlite-store-thread.js` beside this module (the package's build, or a
 * host's bundle that ships it there); else, in a bundle that does not, the installed package's
 * `@cadenza/sqlite/store-thread`; or, when this module runs from its TypeScript source (this
 * repository's tests), the source through tsx.
 */
function startThread(data: ThreadData): Worker {
  const here = import.meta.url;
  const require = createRequire(here);
  if (here.endsWith(".ts")) {
    const program = [
      `require(${JSON.stringify(require.resolve("tsx/cjs/api"))}).register();`,
      `require(${JSON.stringify(fileURLToPath(new URL("./sqlite-store-thread.ts", here)))});`,
    ].join("\n");
    return new Worker(program, { eval: true, workerData: data, execArgv: ["--conditions=@cadenza/source"] });
  }
  const beside = new URL("./sqlite-store-thread.js", here);
  const program = existsSync(beside)
    ? beside
    : pathToFileURL(require.resolve("@cadenza/sqlite/store-thread"));
  return new Worker(program, { workerData: data });
}
