import { performance } from "node:perf_hooks";
import autocannon from "autocannon";

/** What one load run saw. */
export interface LoadReport {
  requests: number;
  seconds: number;
  perSecond: number;
  p99Ms: number;
  p50Ms: number;
  /** Responses by status code. */
  statuses: Record<string, number>;
  errors: number;
  timeouts: number;
}

/** A mail client's user agent, so opens and clicks count as human ones. */
const USER_AGENT =
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Thunderbird/128.0";

/**
 * autocannon, in its own process, sending exactly `amount` GET requests over `connections`
 * connections, spread over `paths` in turn. A fixed amount (not a duration) lets the server's count
 * be checked against it exactly.
 */
export async function httpLoad(
  params: { port: number; paths: string[]; amount: number; connections: number },
  ready: () => Promise<void>,
): Promise<LoadReport> {
  let next = 0;
  await ready();
  const started = performance.now();
  const result = await autocannon({
    url: `http://127.0.0.1:${params.port}`,
    connections: params.connections,
    amount: params.amount,
    timeout: 30,
    // autocannon notices it is done only on its sampling tick (1 s by default), which would round
    // every run up to whole seconds; a 10 ms tick measures a sub-second run to within 1 %.
    sampleInt: 10,
    headers: { "user-agent": USER_AGENT },
    requests: [
      {
        method: "GET",
        setupRequest: (request) => ({ ...request, path: params.paths[next++ % params.paths.length]! }),
      },
    ],
  });
  const seconds = (performance.now() - started) / 1000;
  const statuses: Record<string, number> = {};
  for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) statuses[code] = stat.count ?? 0;
  const requests = Object.values(statuses).reduce((a, b) => a + b, 0);
  return {
    requests,
    seconds,
    perSecond: requests / seconds,
    p99Ms: result.latency.p99,
    p50Ms: result.latency.p50,
    statuses,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}
