/** One line of the results table and one object of `results.json`. */
export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  /** What `value` is compared against, measured in the same run. */
  reference_name?: string;
  reference_value?: number;
  /** `value / reference_value`. */
  ratio?: number;
  /** Lowest acceptable ratio (or, for limits such as memory, highest acceptable value). */
  target?: number;
  /** Whether the target was met; absent when there is none. */
  met?: boolean;
  /** Sizes, timings and validation figures behind the number. */
  details?: Record<string, unknown>;
  /** Why the benchmark produced no figure (its own validation failed, or it crashed). */
  error?: string;
  /** When it was measured (ISO 8601). */
  measured_at?: string;
}

/** The row of a benchmark that produced no trustworthy figure. */
export function failed(name: string, error: unknown): BenchResult {
  const message = error instanceof Error ? error.message : String(error);
  return { name, value: Number.NaN, unit: "", error: message.split("\n")[0]! };
}

/** A figure compared with a reference: the ratio is ours over theirs, the target a minimum ratio. */
export function compared(
  name: string,
  value: number,
  unit: string,
  reference: { name: string; value: number } | null,
  target: number | null,
  details: Record<string, unknown> = {},
): BenchResult {
  const result: BenchResult = { name, value, unit, details };
  if (reference) {
    const ratio = reference.value > 0 ? value / reference.value : Number.NaN;
    result.reference_name = reference.name;
    result.reference_value = reference.value;
    result.ratio = ratio;
    if (target !== null) {
      result.target = target;
      result.met = ratio >= target;
    }
  }
  return result;
}

/** A figure with an upper limit (peak memory): met when it stays at or under `limit`. */
export function limited(
  name: string,
  value: number,
  unit: string,
  limit: number | null,
  details: Record<string, unknown> = {},
): BenchResult {
  const result: BenchResult = { name, value, unit, details };
  if (limit !== null) {
    result.target = limit;
    result.met = value <= limit;
  }
  return result;
}
