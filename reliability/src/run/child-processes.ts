import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import type { SinkFaults } from "../sink/smtp-sink-faults.js";
import type { WorkerConfig, WorkerReport } from "../worker/worker-config.js";

const packageDir = fileURLToPath(new URL("../..", import.meta.url));
const script = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** Runs one of the harness's TypeScript entry points as a child process, with the source condition. */
function spawnTs(entry: string, arg: string): ChildProcess {
  return spawn(process.execPath, ["--conditions=@cadenza/source", "--import", "tsx", entry, arg], {
    cwd: packageDir, // where `tsx` resolves from
    stdio: ["ignore", "pipe", "pipe"],
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once("exit", (code) => resolve(code)));
}

/** The SMTP sink process. */
export interface SinkProcess {
  port: number;
  /** Why the sink exited on its own (it never should), or null while it runs. */
  crashed(): string | null;
  stop(): Promise<void>;
}

/** Starts the SMTP sink in its own process and waits until it listens. */
export async function startSinkProcess(logFile: string, faults: SinkFaults): Promise<SinkProcess> {
  const child = spawnTs(script("../sink/smtp-sink-process.ts"), JSON.stringify({ logFile, faults }));
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const lines = createInterface({ input: child.stdout! });
  const port = await new Promise<number>((resolve, reject) => {
    lines.once("line", (line) => resolve((JSON.parse(line) as { port: number }).port));
    child.once("exit", (code) => reject(new Error(`The SMTP sink exited (${code}): ${stderr}`)));
  });
  let crash: string | null = null;
  let stopping = false;
  child.once("exit", (code, signal) => {
    if (!stopping) crash = `the SMTP sink exited (${code ?? signal}): ${stderr.slice(-500)}`;
  });
  return {
    port,
    crashed: () => crash,
    async stop() {
      stopping = true;
      child.kill("SIGTERM");
      await exited(child);
    },
  };
}

/** What the harness saw of all worker processes of a scenario. */
export interface WorkerLog {
  reports: WorkerReport[];
  /** Exits the harness did not cause (neither SIGKILL nor SIGTERM from it), with the stderr tail. */
  crashes: { name: string; code: number | null; signal: string | null; stderr: string }[];
}

/** A running worker process. */
export interface WorkerProcess {
  readonly name: string;
  readonly pid: number;
  /** Kills it at once (SIGKILL): no cleanup, no lease release. */
  kill(): Promise<void>;
  /** Asks it to finish the batch in hand and exit (SIGTERM). */
  stop(): Promise<void>;
  isRunning(): boolean;
}

/** Starts one dispatch worker process; its reports and unexpected exits go to `log`. */
export function startWorkerProcess(
  config: WorkerConfig,
  log: WorkerLog,
  onReport: (report: WorkerReport) => void = () => undefined,
): WorkerProcess {
  const child = spawnTs(script("../worker/dispatch-worker-process.ts"), JSON.stringify(config));
  let stderr = "";
  let expected = false;
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-2000);
  });
  createInterface({ input: child.stdout! }).on("line", (line) => {
    try {
      const report = JSON.parse(line) as WorkerReport;
      log.reports.push(report);
      onReport(report);
    } catch {
      stderr = (stderr + line).slice(-2000);
    }
  });
  child.once("exit", (code, signal) => {
    if (!expected) log.crashes.push({ name: config.name, code, signal, stderr });
  });
  return {
    name: config.name,
    pid: child.pid ?? -1,
    async kill() {
      expected = true;
      child.kill("SIGKILL");
      await exited(child);
    },
    async stop() {
      expected = true;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
      await exited(child);
      clearTimeout(timer);
    },
    isRunning: () => child.exitCode === null && child.signalCode === null,
  };
}
