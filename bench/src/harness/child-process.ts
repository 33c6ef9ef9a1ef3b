import { type ChildProcess, fork } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { BENCH_ROOT, CHILD_ENTRY } from "./bench-paths.js";

const PROFILES = join(BENCH_ROOT, "profiles");

/** What a child sends its parent. */
export type ChildMessage =
  | { type: "ready"; info?: unknown }
  | { type: "done"; result: unknown; peakRssBytes: number }
  | { type: "failed"; error: string; name: string };

/** A measured case running in its own process, so its peak memory and JIT state are its own. */
export interface ChildHandle {
  /** Resolves when the child has set up and waits for `go()`, with what it reported. */
  readonly ready: Promise<unknown>;
  /** Lets the child start the measured part. */
  go(): void;
  /** Resolves with the child's result and its peak RSS once it finished. */
  readonly done: Promise<{ result: unknown; peakRssBytes: number }>;
  readonly process: ChildProcess;
}

/** Options of a child: whether to write a CPU profile of it. */
export interface ChildOptions {
  profile?: boolean;
}

/**
 * Starts case `name` of `cases.ts` in a new Node process with the same loader flags as this one.
 *
 * ```ts
 * const child = startChild("render-core", { emails: 20_000 });
 * await child.ready; child.go();
 * const { result, peakRssBytes } = await child.done;
 * ```
 */
export function startChild(name: string, params: unknown, options: ChildOptions = {}): ChildHandle {
  const execArgv = [...process.execArgv];
  if (options.profile) {
    mkdirSync(PROFILES, { recursive: true });
    execArgv.push(
      "--cpu-prof",
      `--cpu-prof-dir=${PROFILES}`,
      `--cpu-prof-name=${name}-${Date.now()}.cpuprofile`,
    );
  }
  const child = fork(CHILD_ENTRY, [name, JSON.stringify(params)], { execArgv, stdio: "inherit" });
  let resolveReady!: (info: unknown) => void;
  let resolveDone!: (value: { result: unknown; peakRssBytes: number }) => void;
  let reject!: (error: Error) => void;
  const ready = new Promise<unknown>((res, rej) => {
    resolveReady = res;
    child.once("exit", () => rej(new Error(`${name} exited before it was ready`)));
  });
  const done = new Promise<{ result: unknown; peakRssBytes: number }>((res, rej) => {
    resolveDone = res;
    reject = rej;
  });
  // Whoever awaits them sees the rejection; unawaited, a child's failure must not end the whole run.
  ready.catch(() => {});
  done.catch(() => {});
  child.on("message", (message: ChildMessage) => {
    if (message.type === "ready") resolveReady(message.info);
    else if (message.type === "done") resolveDone(message);
    else {
      const error = new Error(`${name}: ${message.error}`);
      error.name = message.name;
      reject(error);
    }
  });
  child.once("exit", (code, signal) =>
    reject(new Error(`${name} exited (${signal ?? code}) without a result`)),
  );
  return { ready, done, process: child, go: () => child.send({ type: "go" }) };
}

/** Runs one case to completion: starts it, lets it go as soon as it is ready, returns its result. */
export async function runChild<T>(
  name: string,
  params: unknown,
  options: ChildOptions = {},
): Promise<{ result: T; peakRssBytes: number }> {
  const child = startChild(name, params, options);
  await child.ready;
  child.go();
  const outcome = await child.done;
  await new Promise<void>((resolve) => {
    if (child.process.exitCode !== null) resolve();
    else child.process.once("exit", () => resolve());
  });
  return outcome as { result: T; peakRssBytes: number };
}
