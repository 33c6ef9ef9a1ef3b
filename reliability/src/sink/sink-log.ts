import { closeSync, existsSync, fsyncSync, openSync, readFileSync, writeSync } from "node:fs";

/** One line of the sink's log: a message it accepted, or a delivery attempt it refused. */
export interface SinkLogEntry {
  event: "accepted" | "refused";
  /** The engine's `X-Idempotency-Key` header: `<leadId>:<step>`. */
  key: string | null;
  messageId: string | null;
  to: string | null;
  /** Why it was refused (`throttle`, `hard`, `busy`, `drop`, `stall`) or how it was accepted (`ack-loss`). */
  how: string;
  at: string;
}

/** An append-only log that reaches the disk before the sink answers the client. */
export class SinkLog {
  private readonly fd: number;

  constructor(readonly file: string) {
    this.fd = openSync(file, "a");
  }

  /** Appends one entry; `durable` fsyncs before returning (accepted messages must survive a crash). */
  append(entry: SinkLogEntry, durable: boolean): void {
    writeSync(this.fd, `${JSON.stringify(entry)}\n`);
    if (durable) fsyncSync(this.fd);
  }

  close(): void {
    closeSync(this.fd);
  }
}

/** Reads a sink log; a torn last line (the sink killed mid-write) is ignored. */
export function readSinkLog(file: string): SinkLogEntry[] {
  if (!existsSync(file)) return [];
  const entries: SinkLogEntry[] = [];
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (line.trim() === "") continue;
    try {
      entries.push(JSON.parse(line) as SinkLogEntry);
    } catch {
      // Only the last line can be torn; anything else would have failed the JSON of later lines too.
    }
  }
  return entries;
}

/** How often the sink accepted each idempotency key. */
export function acceptedByKey(entries: readonly SinkLogEntry[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const entry of entries) {
    if (entry.event !== "accepted" || entry.key === null) continue;
    counts.set(entry.key, (counts.get(entry.key) ?? 0) + 1);
  }
  return counts;
}

/** How many refusals of each kind the sink logged. */
export function refusalsByKind(entries: readonly SinkLogEntry[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const entry of entries) {
    if (entry.event === "refused") counts[entry.how] = (counts[entry.how] ?? 0) + 1;
  }
  return counts;
}
