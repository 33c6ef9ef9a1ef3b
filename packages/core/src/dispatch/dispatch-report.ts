/** What one dispatch pass did, summed over batches. */
export interface DispatchReport {
  claimed: number;
  sent: number;
  bounced: number;
  retried: number;
  unknown: number;
  /** Given back unsent: outside their window, missing data, fenced, or held back with their sender. */
  released: number;
  /** Ids of the emails the transport accepted. */
  sentEmailIds: string[];
  /** True when a campaign stopped at `maxBatchesPerTick` with due leads left. */
  more: boolean;
}

export function emptyReport(): DispatchReport {
  return {
    claimed: 0,
    sent: 0,
    bounced: 0,
    retried: 0,
    unknown: 0,
    released: 0,
    sentEmailIds: [],
    more: false,
  };
}

export function addReports(into: DispatchReport, from: DispatchReport): void {
  into.claimed += from.claimed;
  into.sent += from.sent;
  into.bounced += from.bounced;
  into.retried += from.retried;
  into.unknown += from.unknown;
  into.released += from.released;
  into.sentEmailIds.push(...from.sentEmailIds);
  into.more ||= from.more;
}
