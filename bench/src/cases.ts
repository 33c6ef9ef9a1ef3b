/** A case a child process can run: `(params, ready) => result`. */
type Case = (params: never, ready: (info?: unknown) => Promise<void>) => Promise<unknown>;

/**
 * Every case a child process can run, by name, each loaded only when its child runs it: a measured
 * process holds its own case's code and dependencies, not every reference's (graphile-worker, pg,
 * autocannon, mjml), whose code would otherwise count in its memory and in V8's heap limits.
 */
export const CASES: Record<string, () => Promise<Case>> = {
  "render-core": async () => (await import("./render/render-cases.js")).renderCore,
  "render-mjml": async () => (await import("./render/render-cases.js")).renderMjml,
  "cadenza-seed": async () => (await import("./dispatch/cadenza-cases.js")).cadenzaSeed,
  "cadenza-dispatch": async () => (await import("./dispatch/cadenza-cases.js")).cadenzaDispatch,
  "cadenza-dispatch-memory": async () => (await import("./dispatch/memory-cases.js")).cadenzaDispatchMemory,
  "cadenza-verify": async () => (await import("./dispatch/cadenza-verify.js")).cadenzaVerify,
  "cadenza-enroll": async () => (await import("./enroll/enroll-cases.js")).cadenzaEnroll,
  "cadenza-tracking-server": async () => (await import("./track/tracking-server.js")).cadenzaTrackingServer,
  "graphile-noop": async () => (await import("./dispatch/graphile-noop.js")).graphileNoop,
  "ceiling-postgres": async () => (await import("./dispatch/ceiling-postgres.js")).ceilingPostgres,
  "ceiling-sqlite": async () => (await import("./dispatch/ceiling-sqlite.js")).ceilingSqlite,
  "bare-tracking-server": async () => (await import("./track/bare-server.js")).bareTrackingServer,
  "http-load": async () => (await import("./track/http-load.js")).httpLoad,
};
