import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { BENCH_ROOT } from "./harness/bench-paths.js";
import { parseArgs } from "./harness/flags.js";
import { describeMachine } from "./harness/machine.js";
import { machineLine, resultsTable } from "./harness/report-table.js";
import { type BenchResult, failed } from "./harness/result.js";
import { BENCHMARKS, selectBenchmarks } from "./registry.js";

const { names, flags, list } = parseArgs(process.argv.slice(2));
if (list) {
  for (const b of BENCHMARKS) console.log(`${b.name.padEnd(28)} ${b.summary}${b.large ? " (--large)" : ""}`);
  process.exit(0);
}

const chosen = selectBenchmarks(names, flags);
const machine = await describeMachine(flags.databaseUrl);
console.log(`cadenza bench on ${machineLine(machine)}`);
console.log(`running: ${chosen.map((b) => b.name).join(", ")}\n`);

const results: BenchResult[] = [];
const started = performance.now();
for (const benchmark of chosen) {
  const t0 = performance.now();
  console.log(`▶ ${benchmark.name}: ${benchmark.summary}`);
  let produced: BenchResult[];
  try {
    produced = await benchmark.run(flags);
  } catch (error) {
    produced = [failed(benchmark.name, error)];
    console.error(error);
  }
  const at = new Date().toISOString();
  for (const r of produced) results.push({ ...r, measured_at: at });
  console.log(`  done in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
}

console.log(resultsTable(results));
console.log(`\n${chosen.length} benchmarks in ${((performance.now() - started) / 1000).toFixed(0)} s`);

// A run replaces the rows of the benchmarks it ran and keeps the others (the large ones a default run
// skips), in suite order, so the file always holds the latest figure of each benchmark.
const out = resolve(BENCH_ROOT, flags.out);
const previous: BenchResult[] = existsSync(out)
  ? (JSON.parse(readFileSync(out, "utf8")) as BenchResult[])
  : [];
const order = BENCHMARKS.map((b) => b.name);
const benchmarkOf = (r: BenchResult) => r.name.split(" ")[0]!;
const ran = new Set(chosen.map((b) => b.name));
const merged = [
  ...previous.filter((r) => order.includes(benchmarkOf(r)) && !ran.has(benchmarkOf(r))),
  ...results,
]
  .map((r, i) => ({ r, i }))
  .sort((a, b) => order.indexOf(benchmarkOf(a.r)) - order.indexOf(benchmarkOf(b.r)) || a.i - b.i)
  .map(({ r }) => r);
writeFileSync(out, `${JSON.stringify(merged, null, 2)}\n`);
writeFileSync(
  out.replace(/\.json$/, ".md"),
  `Measured ${new Date().toISOString().slice(0, 10)} on ${machineLine(machine)}.\n\n${resultsTable(merged)}\n`,
);
console.log(`wrote ${out}`);

if (results.some((r) => r.error)) process.exitCode = 1;
