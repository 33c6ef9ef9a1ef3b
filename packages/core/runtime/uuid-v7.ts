/**
 * UUIDv7 record ids that increase monotonically within one generator.
 */
import { nanoid } from "nanoid";
import type { Clock, IdGenerator } from "../src/ports.js";

const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, "0"));

/**
 * Record ids as UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then 74 bits that are random for
 * the first id of a millisecond and, for every later id of the same millisecond (or of an earlier
 * one, if the clock stepped back), the previous id's bits plus a random step of 1 to 2³² (the RFC's
 * "monotonic random", method 2). So every id is greater than the one before it in this generator:
 * rows inserted in creation order sit side by side in every index keyed by id, and a batch claimed
 * in id order reads and rewrites a few neighbouring pages instead of one page per row. Tokens come
 * from nanoid.
 */
export function uuidV7Ids(clock: Pick<Clock, "now"> = { now: () => new Date() }): IdGenerator {
  const bytes = new Uint8Array(16);
  // Random bytes drawn a pool at a time: one call to the platform's generator per 400 ids, not per id.
  const pool = new Uint8Array(4000);
  let drawn = pool.length;
  const draw = (n: number) => {
    if (drawn + n > pool.length) {
      globalThis.crypto.getRandomValues(pool);
      drawn = 0;
    }
    const from = drawn;
    drawn += n;
    return from;
  };
  let lastMs = -1;
  return {
    id() {
      let ms = clock.now().getTime();
      if (ms <= lastMs && addRandomStep(bytes, pool, draw(4))) {
        ms = lastMs;
      } else {
        // A new millisecond, or the bits of this one ran out (after ~2⁴² ids): fresh random bits.
        if (ms <= lastMs) ms = lastMs + 1;
        const from = draw(10);
        for (let i = 0; i < 10; i++) bytes[6 + i] = pool[from + i]!;
        // Keep the top bit of the counter clear, so a millisecond has room for at least 2⁴¹ steps.
        bytes[6] = bytes[6]! & 0x07;
      }
      lastMs = ms;
      bytes[0] = Math.floor(ms / 2 ** 40) & 0xff;
      bytes[1] = Math.floor(ms / 2 ** 32) & 0xff;
      bytes[2] = (ms >>> 24) & 0xff;
      bytes[3] = (ms >>> 16) & 0xff;
      bytes[4] = (ms >>> 8) & 0xff;
      bytes[5] = ms & 0xff;
      let hex = "";
      for (let i = 0; i < 16; i++) {
        if (i === 4 || i === 6 || i === 8 || i === 10) hex += "-";
        const b = i === 6 ? (bytes[6]! & 0x0f) | 0x70 : i === 8 ? (bytes[8]! & 0x3f) | 0x80 : bytes[i]!;
        hex += HEX[b]!;
      }
      return hex;
    },
    token: () => nanoid(),
  };
}

/**
 * Adds a random step of 1 to 2³² to the id's 74 counter bits (the low nibble of byte 6, byte 7, the
 * low six bits of byte 8, bytes 9–15, read as one big-endian number; `pool[at]` to `pool[at + 3]`
 * are the step's random bytes). Returns false when the sum does not fit: the caller then starts the
 * next millisecond with fresh bits.
 */
export function addRandomStep(bytes: Uint8Array, pool: Uint8Array, at: number): boolean {
  let carry = 1;
  for (let i = 15, k = 3; i >= 6; i--, k--) {
    const add = k >= 0 ? pool[at + k]! : 0;
    const width = i === 8 ? 0x40 : i === 6 ? 0x10 : 0x100;
    const own = i === 8 ? bytes[8]! & 0x3f : i === 6 ? bytes[6]! & 0x0f : bytes[i]!;
    const sum = own + add + carry;
    bytes[i] = sum % width;
    carry = sum >= width ? 1 : 0;
    if (k < 0 && carry === 0) break;
  }
  return carry === 0;
}
