/** A benchmark whose own result check failed: its figure must not be printed as if it counted. */
export class BenchValidationError extends Error {
  override name = "BenchValidationError";
}

/**
 * Fails the benchmark unless `actual` equals `expected`, so a fast wrong run cannot look good.
 *
 * ```ts
 * expectEqual("email records", rows, 100_000);
 * ```
 */
export function expectEqual(what: string, actual: unknown, expected: unknown): void {
  if (actual !== expected) {
    throw new BenchValidationError(`${what}: expected ${String(expected)}, got ${String(actual)}`);
  }
}

/** Fails the benchmark unless `condition` holds. */
export function expectThat(condition: boolean, message: string): void {
  if (!condition) throw new BenchValidationError(message);
}
