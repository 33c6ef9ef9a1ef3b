import {
  dispatchMemoryBenchmark,
  dispatchPostgresBenchmark,
  dispatchPostgresWorkersBenchmark,
  dispatchSqliteBenchmark,
} from "./dispatch/dispatch-benchmark.js";
import { enrollBenchmark } from "./enroll/enroll-benchmark.js";
import type { BenchFlags } from "./harness/flags.js";
import type { BenchResult } from "./harness/result.js";
import { memoryBenchmark } from "./memory/memory-benchmark.js";
import { renderBenchmark } from "./render/render-benchmark.js";
import { trackBenchmark } from "./track/track-benchmark.js";

/** A benchmark `pnpm bench <name>` can run. */
export interface Benchmark {
  name: string;
  /** One line on what it measures. */
  summary: string;
  /** Runs only with `--large` (or when named). */
  large?: boolean;
  run(flags: BenchFlags): Promise<BenchResult[]>;
}

/** Every benchmark, in the order a full run takes them. */
export const BENCHMARKS: Benchmark[] = [
  {
    name: "render",
    summary: "personalized MJML emails/s, compiled once, against mjml per email",
    run: renderBenchmark,
  },
  {
    name: "dispatch-memory",
    summary: "emails/s of the engine over the in-memory store (no I/O): its own CPU per email, no target",
    run: dispatchMemoryBenchmark,
  },
  {
    name: "dispatch-sqlite",
    summary:
      "emails/s and peak RSS dispatching --leads due leads on SQLite, against a better-sqlite3 ceiling",
    run: dispatchSqliteBenchmark,
  },
  {
    name: "dispatch-postgres",
    summary: "emails/s and peak RSS on Postgres, against graphile-worker no-op jobs and a SQL ceiling",
    run: dispatchPostgresBenchmark,
  },
  {
    name: "dispatch-postgres-workers",
    summary: "aggregate emails/s of --workers engines in separate processes on one Postgres database",
    run: dispatchPostgresWorkersBenchmark,
  },
  {
    name: "track-open",
    summary: "open-pixel requests/s and p99 through the HTTP handlers on Postgres, against bare node:http",
    run: trackBenchmark("open"),
  },
  {
    name: "track-click",
    summary:
      "click-redirect requests/s and p99 through the HTTP handlers on Postgres, against bare node:http",
    run: trackBenchmark("click"),
  },
  {
    name: "enroll-sqlite",
    summary: "leads/s enrolled by a filter matching --enroll prospects",
    run: enrollBenchmark("sqlite"),
  },
  {
    name: "enroll-postgres",
    summary: "leads/s enrolled by a filter matching --enroll prospects",
    run: enrollBenchmark("postgres"),
  },
  {
    name: "memory",
    summary: "peak RSS dispatching --large-leads leads on SQLite (≤ 300 MB)",
    large: true,
    run: memoryBenchmark,
  },
];

/**
 * The benchmarks a run asked for: all but the large ones when none is named; otherwise each name
 * exactly, or every benchmark it prefixes (`dispatch` runs `dispatch-sqlite` and `dispatch-postgres`).
 */
export function selectBenchmarks(names: string[], flags: BenchFlags): Benchmark[] {
  if (names.length === 0) return BENCHMARKS.filter((b) => !b.large || flags.large);
  const chosen = new Set<Benchmark>();
  for (const name of names) {
    const exact = BENCHMARKS.find((b) => b.name === name);
    const matches = exact ? [exact] : BENCHMARKS.filter((b) => b.name.startsWith(`${name}-`));
    if (matches.length === 0) {
      throw new Error(`No benchmark named ${name}; try: ${BENCHMARKS.map((b) => b.name).join(", ")}`);
    }
    for (const b of matches) chosen.add(b);
  }
  return BENCHMARKS.filter((b) => chosen.has(b));
}
