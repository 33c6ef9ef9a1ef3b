import { cadenzaDispatch, cadenzaSeed } from "./dispatch/cadenza-cases.js";
import { cadenzaVerify } from "./dispatch/cadenza-verify.js";
import { ceilingPostgres } from "./dispatch/ceiling-postgres.js";
import { ceilingSqlite } from "./dispatch/ceiling-sqlite.js";
import { graphileNoop } from "./dispatch/graphile-noop.js";
import { cadenzaDispatchMemory } from "./dispatch/memory-cases.js";
import { cadenzaEnroll } from "./enroll/enroll-cases.js";
import { renderCore, renderMjml } from "./render/render-cases.js";
import { bareTrackingServer } from "./track/bare-server.js";
import { httpLoad } from "./track/http-load.js";
import { cadenzaTrackingServer } from "./track/tracking-server.js";

/** Every case a child process can run, by name: `(params, ready) => result`. */
export const CASES = {
  "render-core": renderCore,
  "render-mjml": renderMjml,
  "cadenza-seed": cadenzaSeed,
  "cadenza-dispatch": cadenzaDispatch,
  "cadenza-dispatch-memory": cadenzaDispatchMemory,
  "cadenza-verify": cadenzaVerify,
  "cadenza-enroll": cadenzaEnroll,
  "cadenza-tracking-server": cadenzaTrackingServer,
  "graphile-noop": graphileNoop,
  "ceiling-postgres": ceilingPostgres,
  "ceiling-sqlite": ceilingSqlite,
  "bare-tracking-server": bareTrackingServer,
  "http-load": httpLoad,
} as Record<string, (params: never, ready: (info?: unknown) => Promise<void>) => Promise<unknown>>;
