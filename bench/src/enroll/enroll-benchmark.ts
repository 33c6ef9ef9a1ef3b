import { runChild } from "../harness/child-process.js";
import type { BenchFlags } from "../harness/flags.js";
import { type BenchResult, compared } from "../harness/result.js";
import { tempSqliteFile } from "../harness/temp-files.js";
import { createTempDatabase } from "../postgres/temp-database.js";
import type { StoreLocation } from "../workload/store-location.js";
import type { EnrollMeasure } from "./enroll-cases.js";

/** `enroll-sqlite` / `enroll-postgres`: prospects enrolled per second by a filter matching `--enroll` of them. */
export function enrollBenchmark(kind: "sqlite" | "postgres") {
  return async (flags: BenchFlags): Promise<BenchResult[]> => {
    const sqlite = kind === "sqlite" ? tempSqliteFile("enroll") : null;
    const db = kind === "postgres" ? await createTempDatabase(flags.databaseUrl, "enroll") : null;
    try {
      const store: StoreLocation = sqlite
        ? { kind: "sqlite", file: sqlite.file }
        : { kind: "postgres", url: db!.url, schema: "cadenza" };
      // A fifth more prospects that the filter must leave out.
      const others = Math.ceil(flags.enroll / 5);
      const { result, peakRssBytes } = await runChild<EnrollMeasure>(
        "cadenza-enroll",
        { store, matching: flags.enroll, others },
        flags,
      );
      return [
        compared(`enroll-${kind}`, result.perSecond, "leads/s", null, null, {
          matching: flags.enroll,
          prospects: flags.enroll + others,
          seconds: result.seconds,
          peak_rss_mb: peakRssBytes / 2 ** 20,
        }),
      ];
    } finally {
      sqlite?.remove();
      await db?.drop();
    }
  };
}
