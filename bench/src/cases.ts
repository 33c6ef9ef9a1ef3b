import { renderCore, renderMjml } from "./render/render-cases.js";

/** Every case a child process can run, by name: `(params, ready) => result`. */
export const CASES = {
  "render-core": renderCore,
  "render-mjml": renderMjml,
} as Record<string, (params: never, ready: (info?: unknown) => Promise<void>) => Promise<unknown>>;
