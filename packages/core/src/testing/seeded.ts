import type { IdGenerator, RandomSource } from "../ports.js";

/**
 * A deterministic random source (mulberry32): the same seed gives the same sequence.
 *
 * ```ts
 * const random = seededRandom(42);
 * random.next(); // always the same first number for seed 42
 * ```
 */
export function seededRandom(seed = 1): RandomSource {
  let state = seed >>> 0;
  return {
    next() {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    },
  };
}

/**
 * Ids from counters: valid, ordered UUIDs (`00000000-0000-4000-8000-000000000001`, …) and short tokens.
 * `prefix` (hex, up to 8 digits) keeps ids of two generators apart.
 */
export function sequentialIds(prefix = 0): IdGenerator {
  let n = 0;
  let t = 0;
  const head = prefix.toString(16).padStart(8, "0").slice(-8);
  return {
    id() {
      n += 1;
      return `${head}-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;
    },
    token() {
      t += 1;
      return `t${head}${t.toString(36)}`;
    },
  };
}
