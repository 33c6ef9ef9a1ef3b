import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

/** The web host running as a child process. */
export interface HostProcess {
  url: string;
  child: ChildProcess;
  /** Sends SIGTERM and resolves with the exit code once the host has shut down. */
  stop(): Promise<number | null>;
}

const MAIN = fileURLToPath(new URL("../src/main.ts", import.meta.url));

/**
 * Starts `src/main.ts` in its own Node process with `env`, the way `pnpm start` does, and resolves
 * once it prints the address it listens on. Its other output is passed to `log`.
 */
export function startHostProcess(env: NodeJS.ProcessEnv, log: (line: string) => void): Promise<HostProcess> {
  const child = spawn(
    process.execPath,
    ["--conditions=@cadenza/source", "--import", import.meta.resolve("tsx"), MAIN],
    { env, stdio: ["ignore", "pipe", "pipe"] },
  );
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  createInterface({ input: child.stderr! }).on("line", (line) => log(line));
  return new Promise((resolve, reject) => {
    let url: string | null = null;
    createInterface({ input: child.stdout! }).on("line", (line) => {
      const listening = /listening on (\S+)/.exec(line);
      if (url === null && listening) {
        url = listening[1]!;
        resolve({
          url,
          child,
          stop: async () => {
            if (child.exitCode === null) child.kill("SIGTERM");
            return exited;
          },
        });
      }
      log(line);
    });
    void exited.then((code) => {
      if (url === null) reject(new Error(`The host exited with code ${code} before it was listening`));
    });
  });
}
