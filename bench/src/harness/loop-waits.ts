import { performance } from "node:perf_hooks";

/** How long the process's event loop kept other work waiting while it was watched. */
export interface LoopWaits {
  /** The longest wait between two turns of the loop, in ms. */
  longestMs: number;
  /** The 99th percentile of those waits, in ms. */
  p99Ms: number;
}

/**
 * Watches the event loop with a 1 ms interval timer, the way a host's next request would wait for
 * it: each firing records the time since the last. `stop` waits for one more firing, so a stall
 * that lasts until the watched work ends is counted too (`monitorEventLoopDelay` misses that one).
 */
export function watchLoopWaits(): { stop(): Promise<LoopWaits> } {
  const waits: number[] = [];
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    waits.push(now - last);
    last = now;
  }, 1);
  return {
    async stop() {
      await new Promise((resolve) => setTimeout(resolve, 2));
      clearInterval(timer);
      waits.sort((a, b) => a - b);
      const at = (q: number) => waits[Math.min(waits.length - 1, Math.floor((waits.length - 1) * q))] ?? 0;
      return { longestMs: at(1), p99Ms: at(0.99) };
    },
  };
}
