import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { BENCH_ROOT } from "./bench-paths.js";

const DATA = join(BENCH_ROOT, ".data");

/** A fresh SQLite file path under `bench/.data/`, and a way to remove it with its WAL files. */
export function tempSqliteFile(label: string): { file: string; remove(): void } {
  mkdirSync(DATA, { recursive: true });
  const file = `${DATA}/${label}-${process.pid}-${Date.now()}.db`;
  return {
    file,
    remove: () => {
      for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(`${file}${suffix}`, { force: true });
    },
  };
}
