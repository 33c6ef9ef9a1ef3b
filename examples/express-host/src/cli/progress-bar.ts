import type { CsvImportProgress } from "@cadenza/core";

/** Something to write progress to: a terminal stream. */
export interface ProgressOutput {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/**
 * A one-line progress bar for CSV imports, redrawn in place on a terminal. Off a terminal (a log
 * file, CI) it stays silent: a log does not need 40 redraws of one line.
 *
 * ```ts
 * const bar = progressBar(process.stderr);
 * await cadenza.prospects.importCsv(text, { onProgress: bar.update });
 * bar.done();
 * ```
 */
export function progressBar(output: ProgressOutput) {
  let drawn = false;
  return {
    update(progress: CsvImportProgress): void {
      if (!output.isTTY) return;
      const share = progress.total === 0 ? 1 : progress.processed / progress.total;
      const width = Math.max(10, Math.min(40, (output.columns ?? 80) - 50));
      const filled = Math.round(share * width);
      const bar = `${"█".repeat(filled)}${"░".repeat(width - filled)}`;
      output.write(
        `\r${bar} ${String(Math.round(share * 100)).padStart(3)}% ${progress.processed}/${progress.total} rows, ${progress.invalid} invalid`,
      );
      drawn = true;
    },
    done(): void {
      if (drawn) output.write("\n");
    },
  };
}
