import { execFileSync } from "node:child_process";
import os from "node:os";
import { serverVersion } from "../postgres/temp-database.js";

/** What the figures were measured on. */
export interface MachineInfo {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  postgres: string;
  sqlite: string;
  os: string;
}

/** Describes this machine and the database servers the run used. */
export async function describeMachine(databaseUrl: string): Promise<MachineInfo> {
  const postgres = await serverVersion(databaseUrl).catch((error: Error) => `unavailable (${error.message})`);
  const { default: Database } = await import("better-sqlite3");
  const db = new Database(":memory:");
  const sqlite = (db.prepare("SELECT sqlite_version() AS v").get() as { v: string }).v;
  db.close();
  return {
    cpus: nproc(),
    cpuModel: os.cpus()[0]?.model.trim() ?? "unknown",
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    postgres,
    sqlite,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
  };
}

/** Cores this process may use (what `nproc` prints), which may be fewer than the host has. */
function nproc(): number {
  try {
    return Number(execFileSync("nproc", { encoding: "utf8" }).trim());
  } catch {
    return os.availableParallelism();
  }
}
