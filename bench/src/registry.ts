import type { BenchFlags } from "./harness/flags.js";
import type { BenchResult } from "./harness/result.js";
import { renderBenchmark } from "./render/render-benchmark.js";

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
