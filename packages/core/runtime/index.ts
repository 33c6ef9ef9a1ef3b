/**
 * The real-world implementations of the core's clock, random and id ports. The pure core never
 * reads the wall clock or chance itself; hosts hand these to `createCadenza`.
 *
 * ```ts
 * import { createCadenza } from "@cadenza/core";
 * import { systemRuntime } from "@cadenza/core/runtime";
 * const cadenza = createCadenza({ store, transport, ...systemRuntime() });
 * ```
 */
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import type { Clock, IdGenerator, RandomSource } from "../src/ports.js";
import type { MjmlCompiler, MjmlResult } from "../src/render/index.js";
import { uuidV7Ids } from "./uuid-v7.js";

export { uuidV7Ids };

/**
 * Wall-clock time and real timers. `yield` gives the event loop a turn (`setImmediate`, after the
 * poll phase, so a request that arrived meanwhile is served first) unless the loop has had one since
 * the last `yield`: a store in a thread or across a socket gives it turns as the engine waits, and
 * a yield then would only slow the engine down.
 */
export function systemClock(): Clock {
  let turned = false;
  const markTurn = () => {
    turned = true;
  };
  return {
    now: () => new Date(),
    sleep: (ms, signal) =>
      new Promise<void>((resolve) => {
        if (signal?.aborted) return resolve();
        const timer = setTimeout(done, Math.max(0, ms));
        function done() {
          signal?.removeEventListener("abort", done);
          clearTimeout(timer);
          resolve();
        }
        signal?.addEventListener("abort", done, { once: true });
      }),
    async yield() {
      if (!turned) await new Promise<void>((resolve) => setImmediate(resolve));
      // Armed after the wait: it runs only if the loop turns again before the next yield.
      turned = false;
      setImmediate(markTurn);
    },
  };
}

/** Uniform floats from the platform's cryptographic generator. */
export function cryptoRandom(): RandomSource {
  const buffer = new Uint32Array(2);
  return {
    next() {
      globalThis.crypto.getRandomValues(buffer);
      // 53 random bits → [0, 1).
      return ((buffer[0]! >>> 5) * 67108864 + (buffer[1]! >>> 6)) / 9007199254740992;
    },
  };
}

/** Clock, random source and ids for production, ready to spread into `createCadenza`'s options. */
export function systemRuntime(): { clock: Clock; random: RandomSource; ids: IdGenerator } {
  const clock = systemClock();
  return { clock, random: cryptoRandom(), ids: uuidV7Ids(clock) };
}

/**
 * The worker's whole program: compile one document with the `mjml` at `workerData.mjml` (a file URL)
 * and post the result. Dynamic imports only, so it runs whether the host's flags make it a script or
 * a module.
 */
const MJML_WORKER = `
import("node:worker_threads").then(({ parentPort, workerData }) =>
  import(workerData.mjml)
    .then((mjml) => mjml.default(workerData.source, workerData.options))
    .then(
      (result) => parentPort.postMessage({
        html: result.html,
        errors: result.errors.map((e) => ({ line: e.line, message: e.message })),
      }),
      (error) => parentPort.postMessage({ failure: error instanceof Error ? error.message : String(error) }),
    ),
);`;

/**
 * Compiles MJML in a worker thread that ends with its compile, for `createCadenza({ mjml })`: the
 * engine's process never loads mjml and its dependencies (about 60 MB of memory, and old-generation
 * headroom in proportion), at the cost of starting a worker (a few hundred milliseconds) for each
 * distinct template — once per template and process, as the renderer caches what it compiled.
 *
 * ```ts
 * const cadenza = createCadenza({ store, transport, ...systemRuntime(), mjml: mjmlWorker() });
 * ```
 */
export function mjmlWorker(): MjmlCompiler {
  let mjml: string | undefined;
  return (source, options) =>
    new Promise<MjmlResult>((resolve, reject) => {
      // Resolved from this package, which depends on mjml, whatever the host's working directory.
      mjml ??= pathToFileURL(createRequire(import.meta.url).resolve("mjml")).href;
      const worker = new Worker(MJML_WORKER, { eval: true, workerData: { mjml, source, options } });
      let settled = false;
      worker.once("message", (message: MjmlResult | { failure: string }) => {
        settled = true;
        void worker.terminate();
        if ("failure" in message) reject(new Error(message.failure));
        else resolve(message);
      });
      worker.once("error", (error) => {
        settled = true;
        reject(error);
      });
      worker.once("exit", (code) => {
        if (!settled) reject(new Error(`The mjml worker exited (code ${code}) without a result`));
      });
    });
}
