import type { Cadenza, DispatchReport } from "@cadenza/core";

/** What one engine's dispatcher loop did until no due lead was left for it. */
export interface DrainReport {
  sent: number;
  claimed: number;
  released: number;
  retried: number;
  bounced: number;
  unknown: number;
  ticks: number;
}

/**
 * Runs the engine's own dispatcher loop (`cadenza.dispatch.start()`) until a tick leaves no due lead
 * behind, then stops it: what a host's worker does, minus the idle wait.
 */
export function drainDueLeads(cadenza: Cadenza): Promise<DrainReport> {
  const total: DrainReport = {
    sent: 0,
    claimed: 0,
    released: 0,
    retried: 0,
    bounced: 0,
    unknown: 0,
    ticks: 0,
  };
  return new Promise<DrainReport>((resolve, reject) => {
    const worker = cadenza.dispatch.start({
      onTick: (report: DispatchReport) => {
        total.ticks += 1;
        total.sent += report.sent;
        total.claimed += report.claimed;
        total.released += report.released;
        total.retried += report.retried;
        total.bounced += report.bounced;
        total.unknown += report.unknown;
        if (!report.more) worker.stop().then(() => resolve(total), reject);
      },
      onError: (error) => {
        worker.stop().finally(() => reject(error));
      },
    });
  });
}
