import { execFileSync, execSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";

/** The local cluster's version directory (`/etc/postgresql/<version>/main`), or null without one. */
function clusterVersion(): string | null {
  try {
    return readdirSync("/etc/postgresql")[0] ?? null;
  } catch {
    return null;
  }
}

function isReady(): boolean {
  try {
    execFileSync("pg_isready", ["-h", "127.0.0.1", "-p", "5432", "-q"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Whether this machine runs the Postgres server itself, so the harness may restart it. */
export function canRestartPostgres(): boolean {
  return clusterVersion() !== null;
}

function pgCtl(action: "start" | "restart"): void {
  const version = clusterVersion();
  if (!version) throw new Error("No local Postgres cluster under /etc/postgresql");
  execSync(`pg_ctlcluster --skip-systemctl-redirect ${version} main ${action}`, { stdio: "ignore" });
}

/** Restarts the local server (all connections end) and waits until it accepts connections again. */
export async function restartPostgres(): Promise<void> {
  try {
    pgCtl("restart");
  } finally {
    await ensurePostgresRunning();
  }
}

/** Starts the local server if it is down, and waits for it; never leaves it down if it can help it. */
export async function ensurePostgresRunning(): Promise<void> {
  if (isReady() || !canRestartPostgres()) return;
  try {
    pgCtl("start");
  } catch {
    // Already starting or running: the wait below decides.
  }
  for (let i = 0; i < 60 && !isReady(); i++) await sleep(500);
}

/** The same, synchronously: for `process.on("exit")`, where nothing asynchronous runs. */
export function ensurePostgresRunningSync(): void {
  if (isReady() || !canRestartPostgres()) return;
  try {
    pgCtl("start");
  } catch {
    // Nothing more can be done while exiting.
  }
}
