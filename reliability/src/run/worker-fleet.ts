import { setTimeout as sleep } from "node:timers/promises";
import { countActiveLeads } from "../stores/store-snapshot.js";
import type { WorkerConfig } from "../worker/worker-config.js";
import { startWorkerProcess, type WorkerLog, type WorkerProcess } from "./child-processes.js";

/** Several worker processes on one store and sink, that can be killed and restarted one by one. */
export class WorkerFleet {
  readonly log: WorkerLog = { reports: [], crashes: [] };
  private readonly workers: WorkerProcess[] = [];
  kills = 0;
  /** Per worker pid: when it last claimed something (or started), and when it last reported a tick. */
  private readonly busyAt = new Map<number, number>();
  private readonly tickAt = new Map<number, number>();
  /** Longest tick any worker reported, ms. */
  longestTickMs = 0;

  constructor(
    private readonly base: Omit<WorkerConfig, "name">,
    private readonly size: number,
  ) {}

  start(): void {
    for (let i = 0; i < this.size; i++) this.workers.push(this.spawn(i));
  }

  private spawn(index: number): WorkerProcess {
    return startWorkerProcess({ ...this.base, name: `w${index + 1}` }, this.log, (report) => {
      const now = Date.now();
      if (report.type === "ready") this.busyAt.set(report.pid, now);
      if (report.type !== "tick") return;
      this.longestTickMs = Math.max(this.longestTickMs, report.ms);
      this.tickAt.set(report.pid, now);
      if (report.claimed > 0 || report.unknown > 0) this.busyAt.set(report.pid, now);
    });
  }

  /**
   * SIGKILLs one worker at random — one that is sending (its last tick claimed leads) when there is
   * one — and starts a fresh one in its place.
   */
  async killOne(): Promise<void> {
    const busy = this.workers.flatMap((w, i) => {
      const tick = this.tickAt.get(w.pid);
      return tick !== undefined && this.busyAt.get(w.pid) === tick ? [i] : [];
    });
    const pool = busy.length > 0 ? busy : this.workers.map((_, i) => i);
    const index = pool[Math.floor(Math.random() * pool.length)]!;
    await this.workers[index]!.kill();
    this.kills++;
    this.workers[index] = this.spawn(index);
  }

  /** Stops every worker gracefully (SIGTERM: the batch in hand is finished). */
  async stop(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.stop()));
    this.workers.length = 0;
  }

  /**
   * Whether every running worker has been ticking without claiming anything for `quietMs`: it
   * started, its last tick came after its last busy one, and that busy one is `quietMs` old.
   */
  isQuiet(quietMs: number): boolean {
    const now = Date.now();
    return this.workers.every((w) => {
      if (!w.isRunning()) return true;
      const busy = this.busyAt.get(w.pid);
      const tick = this.tickAt.get(w.pid);
      return busy !== undefined && tick !== undefined && tick > busy && now - busy > quietMs;
    });
  }

  /** Whether any worker process is still alive. */
  anyRunning(): boolean {
    return this.workers.some((w) => w.isRunning());
  }

  /** Whether every worker process is still alive. */
  allRunning(): boolean {
    return this.workers.every((w) => w.isRunning());
  }

  /** How many errors of each code the workers reported in `context` (`tick`: a failed dispatch tick). */
  errorsByCode(context = "tick"): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const r of this.log.reports)
      if (r.type === "error" && r.context === context) counts[r.code] = (counts[r.code] ?? 0) + 1;
    return counts;
  }
}

/**
 * Waits until no lead is active, or until the fleet is quiet — every worker ticking without claiming
 * anything and the active count unchanged for `quietMs` (what is left waits for a retry or for
 * tomorrow's quota) — or until `deadline`. Returns the active count.
 */
export async function waitForDrain(
  target: WorkerConfig["store"],
  fleet: WorkerFleet,
  options: { deadline: number; quietMs: number; pollMs?: number; abort?: () => boolean },
): Promise<number> {
  let last = -1;
  let changedAt = Date.now();
  for (;;) {
    const active = await countActiveLeads(target).catch(() => last);
    if (active === 0 || Date.now() > options.deadline || options.abort?.() || !fleet.anyRunning())
      return active;
    if (active !== last) {
      last = active;
      changedAt = Date.now();
    }
    if (Date.now() - changedAt > options.quietMs && fleet.isQuiet(options.quietMs)) return active;
    await sleep(options.pollMs ?? 300);
  }
}
