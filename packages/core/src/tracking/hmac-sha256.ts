import { sha256 } from "@noble/hashes/sha2.js";

/**
 * HMAC-SHA256 (RFC 2104, FIPS 180-4) for many short messages under one key. The key's inner and
 * outer hash states are computed once, so a message of up to 55 bytes costs exactly two compressions
 * and no allocation: what every tracking token costs. `@noble/hashes` computes the same bytes (the
 * tests hold the two together) but copies its hash states and buffers per message, about twice the
 * time for a token's 47 bytes.
 */
export interface HmacSha256Key {
  /** State after the key XOR ipad block. */
  readonly inner: Int32Array;
  /** State after the key XOR opad block. */
  readonly outer: Int32Array;
}

const BLOCK_BYTES = 64;

const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
]);

const IV = new Int32Array([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
]);

// Scratch space: everything here runs synchronously, so one set serves every call.
const W = new Int32Array(64);
const STATE = new Int32Array(8);
const BLOCK = new Uint8Array(BLOCK_BYTES);

/** Prepares a key: longer than a block, it is hashed first, as RFC 2104 says. */
export function hmacSha256Key(secret: Uint8Array): HmacSha256Key {
  const key = new Uint8Array(BLOCK_BYTES);
  key.set(secret.length > BLOCK_BYTES ? sha256(secret) : secret);
  const inner = new Int32Array(IV);
  const outer = new Int32Array(IV);
  compress(
    inner,
    key.map((b) => b ^ 0x36),
  );
  compress(
    outer,
    key.map((b) => b ^ 0x5c),
  );
  return { inner, outer };
}

/**
 * Writes HMAC-SHA256(key, prefix ‖ message) into `out` (32 bytes) and returns it. The prefix spares
 * callers a concatenation when every message starts the same way.
 */
export function hmacSha256Into(
  key: HmacSha256Key,
  prefix: Uint8Array,
  message: Uint8Array,
  out: Uint8Array,
): Uint8Array {
  STATE.set(key.inner);
  const length = prefix.length + message.length;
  // The message in blocks, then the padding: 0x80, zeros, and the bit length of block + message.
  const filled = feed(message, feed(prefix, 0));
  finish(filled, BLOCK_BYTES + length);
  // The outer hash: the outer key block, then the inner digest (32 bytes) and its padding.
  writeState(BLOCK);
  STATE.set(key.outer);
  finish(32, BLOCK_BYTES + 32);
  writeState(out);
  return out;
}

/** Appends `bytes` to `BLOCK`, which holds `filled` bytes, compressing each full block; the new fill. */
function feed(bytes: Uint8Array, filled: number): number {
  for (let i = 0; i < bytes.length; i++) {
    BLOCK[filled++] = bytes[i]!;
    if (filled === BLOCK_BYTES) {
      compress(STATE, BLOCK);
      filled = 0;
    }
  }
  return filled;
}

/** Pads `BLOCK`, which holds `filled` bytes, and compresses the last block or two into `STATE`. */
function finish(filled: number, totalBytes: number): void {
  BLOCK[filled] = 0x80;
  BLOCK.fill(0, filled + 1);
  if (filled + 1 > BLOCK_BYTES - 8) {
    compress(STATE, BLOCK);
    BLOCK.fill(0);
  }
  // Bit length as a 64-bit big-endian number; messages here stay far below 2^32 bits.
  const bits = totalBytes * 8;
  BLOCK[56] = 0;
  BLOCK[57] = 0;
  BLOCK[58] = 0;
  BLOCK[59] = Math.floor(bits / 2 ** 32) & 0xff;
  BLOCK[60] = bits >>> 24;
  BLOCK[61] = (bits >>> 16) & 0xff;
  BLOCK[62] = (bits >>> 8) & 0xff;
  BLOCK[63] = bits & 0xff;
  compress(STATE, BLOCK);
}

/** `STATE` as 32 big-endian bytes at the start of `out`. */
function writeState(out: Uint8Array): void {
  for (let i = 0; i < 8; i++) {
    const word = STATE[i]!;
    out[i * 4] = word >>> 24;
    out[i * 4 + 1] = (word >>> 16) & 0xff;
    out[i * 4 + 2] = (word >>> 8) & 0xff;
    out[i * 4 + 3] = word & 0xff;
  }
}

/** The SHA-256 compression function over the 64 bytes of `block`, updating `state`. */
function compress(state: Int32Array, block: Uint8Array): void {
  for (let i = 0; i < 16; i++) {
    const j = i * 4;
    W[i] = (block[j]! << 24) | (block[j + 1]! << 16) | (block[j + 2]! << 8) | block[j + 3]!;
  }
  for (let i = 16; i < 64; i++) {
    const a = W[i - 15]!;
    const b = W[i - 2]!;
    const s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
    const s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10);
    W[i] = (W[i - 16]! + s0 + W[i - 7]! + s1) | 0;
  }
  let a = state[0]!;
  let b = state[1]!;
  let c = state[2]!;
  let d = state[3]!;
  let e = state[4]!;
  let f = state[5]!;
  let g = state[6]!;
  let h = state[7]!;
  for (let i = 0; i < 64; i++) {
    const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (h + s1 + ((e & f) ^ (~e & g)) + K[i]! + W[i]!) | 0;
    const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (s0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  state[0] = (state[0]! + a) | 0;
  state[1] = (state[1]! + b) | 0;
  state[2] = (state[2]! + c) | 0;
  state[3] = (state[3]! + d) | 0;
  state[4] = (state[4]! + e) | 0;
  state[5] = (state[5]! + f) | 0;
  state[6] = (state[6]! + g) | 0;
  state[7] = (state[7]! + h) | 0;
}
