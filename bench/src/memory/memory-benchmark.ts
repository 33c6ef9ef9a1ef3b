import type { DispatchMeasure, SeedReport } from "../dispatch/cadenza-cases.js";
import type { VerifyReport } from "../dispatch/cadenza-verify.js";
import { runChild } from "../harness/child-process.js";
import type { BenchFlags } from "../harness/flags.js";
import { type BenchResult, limited } from "../harness/result.js";
import { tempSqliteFile } from "../harness/temp-files.js";
import { expectEqual } from "../harness/validate.js";
import type { StoreLocation } from "../workload/store-location.js";

/** Most memory a dispatcher may hold while it works through any number of leads. */
const LIMIT_MB = 300;

/** `memory`: peak RSS of one engine dispatching `--large-leads` leads on SQLite (seeded in another process). */
export async function memoryBenchmark(flags: BenchFlags): Promise<BenchResult[]> {
  const file = tempSqliteFile("memory");
  try {
    const store: StoreLocation = { kind: "sqlite", file: file.file };
    const leads = flags.largeLeads;
    const seed = await runChild<SeedReport>("cadenza-seed", { store, leads }, { profile: false });
    const dispatch = await runChild<DispatchMeasure>(
      "cadenza-dispatch",
      { store, batchSize: flags.batchSize, batchesInFlight: flags.batchesInFlight },
      flags,
    );
    expectEqual("emails sent", dispatch.result.sent, leads);
    const verify = await runChild<VerifyReport>(
      "cadenza-verify",
      { store, campaignId: seed.result.campaignId, leads },
      { profile: false },
    );
    return [
      limited("memory", dispatch.peakRssBytes / 2 ** 20, "MB", LIMIT_MB, {
        leads,
        store: "sqlite",
        emails_per_second: dispatch.result.perSecond,
        seconds: dispatch.result.seconds,
        seed_seconds: seed.result.seconds,
        validated: verify.result.counts,
      }),
    ];
  } finally {
    file.remove();
  }
}
