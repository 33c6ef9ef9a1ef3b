const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
/** Each ASCII code's value in the alphabet, -1 for a character outside it. */
const VALUES = new Int8Array(128).fill(-1);
for (let value = 0; value < ALPHABET.length; value++) VALUES[ALPHABET.charCodeAt(value)] = value;

const CODES = Uint8Array.from(ALPHABET, (char) => char.charCodeAt(0));

/** Encodes bytes as unpadded base64url (RFC 4648 §5). */
export function encodeBase64Url(bytes: Uint8Array): string {
  // Character codes first, one string at the end: no intermediate string per character.
  const out = new Uint8Array(Math.ceil((bytes.length * 4) / 3));
  let at = 0;
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i]!;
    const b = bytes[i + 1];
    const c = bytes[i + 2];
    out[at++] = CODES[a >> 2]!;
    out[at++] = CODES[((a & 0x03) << 4) | ((b ?? 0) >> 4)]!;
    if (b !== undefined) out[at++] = CODES[((b & 0x0f) << 2) | ((c ?? 0) >> 6)]!;
    if (c !== undefined) out[at++] = CODES[c & 0x3f]!;
  }
  return String.fromCharCode.apply(null, out as unknown as number[]);
}

/**
 * Decodes unpadded base64url strictly: null for padding, any character outside the alphabet, an
 * impossible length, or unused trailing bits that are not zero. Strictness makes the encoding
 * canonical, so one byte string has exactly one spelling.
 */
export function decodeBase64Url(text: string): Uint8Array | null {
  if (text.length % 4 === 1) return null;
  const out = new Uint8Array(Math.floor((text.length * 3) / 4));
  let bits = 0;
  let buffer = 0;
  let at = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    // A code unit past ASCII (including either half of a surrogate pair) is outside the alphabet.
    const value = code < 128 ? VALUES[code]! : -1;
    if (value < 0) return null;
    buffer = ((buffer << 6) | value) & 0x3fff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[at++] = (buffer >> bits) & 0xff;
    }
  }
  if ((buffer & ((1 << bits) - 1)) !== 0) return null;
  return out;
}
