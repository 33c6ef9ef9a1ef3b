const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
/** Each ASCII code's value in the alphabet, -1 for a character outside it. */
const VALUES = new Int8Array(128).fill(-1);
for (let value = 0; value < ALPHABET.length; value++) VALUES[ALPHABET.charCodeAt(value)] = value;

/** The two characters of each 12-bit group, so three bytes cost two lookups. */
const PAIRS = Array.from({ length: 4096 }, (_, v) => ALPHABET[v >> 6]! + ALPHABET[v & 63]!);

/** Encodes bytes as unpadded base64url (RFC 4648 §5). */
export function encodeBase64Url(bytes: Uint8Array): string {
  const whole = bytes.length - (bytes.length % 3);
  let out = "";
  let i = 0;
  for (; i < whole; i += 3) {
    const group = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += PAIRS[group >> 12]! + PAIRS[group & 0xfff]!;
  }
  if (bytes.length - whole === 1) {
    out += PAIRS[bytes[i]! << 4]!;
  } else if (bytes.length - whole === 2) {
    const group = (bytes[i]! << 10) | (bytes[i + 1]! << 2);
    out += PAIRS[group >> 6]! + ALPHABET[group & 63]!;
  }
  return out;
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
