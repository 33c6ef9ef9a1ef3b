import type { MachineInfo } from "./machine.js";
import type { BenchResult } from "./result.js";

const RATE = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
const SMALL = new Intl.NumberFormat("en-US", { maximumFractionDigits: 2 });

function figure(value: number | undefined): string {
  if (value === undefined || Number.isNaN(value)) return "";
  return Math.abs(value) >= 100 ? RATE.format(value) : SMALL.format(value);
}

function status(result: BenchResult): string {
  if (result.error) return `FAILED: ${result.error}`;
  if (result.met === undefined) return "";
  return result.met ? "met" : "MISSED";
}

function target(result: BenchResult): string {
  if (result.target === undefined) return "";
  return result.ratio !== undefined
    ? `≥ ${figure(result.target)}×`
    : `≤ ${figure(result.target)} ${result.unit}`;
}

/** The results as a Markdown table: readable in a terminal and pasteable into the docs. */
export function resultsTable(results: BenchResult[]): string {
  const header = ["benchmark", "value", "unit", "reference", "reference value", "ratio", "target", "status"];
  const rows = results.map((r) => [
    r.name,
    figure(r.value),
    r.unit,
    r.reference_name ?? "",
    figure(r.reference_value),
    r.ratio === undefined || Number.isNaN(r.ratio) ? "" : `${SMALL.format(r.ratio)}×`,
    target(r),
    status(r),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  // The separator as the repository's Markdown formatter writes it, so a written results file passes lint.
  const separator = `| ${widths.map((w) => "-".repeat(w)).join(" | ")} |`;
  return [line(header), separator, ...rows.map(line)].join("\n");
}

/** One line describing the machine, printed above the table. */
export function machineLine(machine: MachineInfo): string {
  return (
    `${machine.cpus} cores (${machine.cpuModel}), ${machine.memoryGiB} GiB, Node ${machine.node}, ` +
    `PostgreSQL ${machine.postgres}, SQLite ${machine.sqlite}, ${machine.os}`
  );
}
