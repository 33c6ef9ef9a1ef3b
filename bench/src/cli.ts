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

/**
 * Writes `results.json` and `results.md`: the rows of the benchmarks this run measured replace
 * theirs, the others (the large ones a default run skips) stay, in suite order. Called after every
 * benchmark, so a run that dies keeps what it measured.
 */
function saveResults(results: BenchResult[]): string {
  const out = resolve(BENCH_ROOT, flags.out);
  const previous: BenchResult[] = existsSync(out)
    ? (JSON.parse(readFileSync(out, "utf8")) as BenchResult[])
    : [];
  const order = BENCHMARKS.map((b) => b.name);
  const benchmarkOf = (r: BenchResult) => r.name.split(" ")[0]!;
  const ran = new Set(results.map(benchmarkOf));
  const merged = [
    ...previous.filter((r) => order.includes(benchmarkOf(r)) && !ran.has(benchmarkOf(r))),
    ...results,
  ]
    .map((r, i) => ({ r, i }))
    .sort((x, y) => order.indexOf(benchmarkOf(x.r)) - order.indexOf(benchmarkOf(y.r)) || x.i - y.i)
    .map(({ r }) => r);
  writeFileSync(out, `${JSON.stringify(merged, null, 2)}\n`);
  writeFileSync(
    out.replace(/\.json$/, ".md"),
    `Measured ${new Date().toISOString().slice(0, 10)} on ${machineLine(machine)}.\n\n${resultsTable(merged)}\n`,
  );
  return out;
}

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
  saveResults(results);
  console.log(`  done in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
}

console.log(resultsTable(results));
console.log(`wrote ${saveResults(results)}`);
console.log(`\n${chosen.length} benchmarks in ${((performance.now() - started) / 1000).toFixed(0)} s`);

if (results.some((r) => r.error)) process.exitCode = 1;
