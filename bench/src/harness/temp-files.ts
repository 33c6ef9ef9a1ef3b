import { mkdirSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";

const DATA = fileURLToPath(new URL("../../.data/", import.meta.url));

/** A fresh SQLite file path under `bench/.data/`, and a way to remove it with its WAL files. */
export function tempSqliteFile(label: string): { file: string; remove(): void } {
  mkdirSync(DATA, { recursive: true });
  const file = `${DATA}${label}-${process.pid}-${Date.now()}.db`;
  return {
    file,
    remove: () => {
      for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(`${file}${suffix}`, { force: true });
    },
  };
}
