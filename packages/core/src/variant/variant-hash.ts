const utf8 = new TextEncoder();

/** FNV-1a, 32 bits, over the UTF-8 bytes of `text`. */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of utf8.encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * MurmurHash3's 32-bit finalizer. FNV-1a alone lets the last bytes of its input decide too few of the
 * output bits for ids that differ only at the end; this spreads every input bit over the output.
 */
export function fmix32(hash: number): number {
  let h = hash;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Where a lead falls on the 0–100 scale a campaign's split cuts, in steps of 0.01: the same for the
 * same campaign and lead everywhere, in every version.
 */
export function variantBucket(campaignId: string, leadId: string): number {
  return (fmix32(fnv1a32(`${campaignId}:${leadId}`)) % 10_000) / 100;
}
