import { createHmac } from "node:crypto";
import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hmacSha256Into, hmacSha256Key } from "./hmac-sha256.js";

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");
const mac = (key: Uint8Array, prefix: Uint8Array, message: Uint8Array) =>
  hex(hmacSha256Into(hmacSha256Key(key), prefix, message, new Uint8Array(32)));
const none = new Uint8Array(0);

describe("hmacSha256Into", () => {
  // RFC 4231 §4: test cases 1, 2, 3, 4, 6 and 7 (5 truncates the output).
  const vectors: { key: Buffer; data: Buffer; expected: string }[] = [
    {
      key: Buffer.alloc(20, 0x0b),
      data: Buffer.from("Hi There"),
      expected: "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
    },
    {
      key: Buffer.from("Jefe"),
      data: Buffer.from("what do ya want for nothing?"),
      expected: "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
    },
    {
      key: Buffer.alloc(20, 0xaa),
      data: Buffer.alloc(50, 0xdd),
      expected: "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
    },
    {
      key: Buffer.from("0102030405060708090a0b0c0d0e0f10111213141516171819", "hex"),
      data: Buffer.alloc(50, 0xcd),
      expected: "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
    },
    {
      key: Buffer.alloc(131, 0xaa),
      data: Buffer.from("Test Using Larger Than Block-Size Key - Hash Key First"),
      expected: "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
    },
    {
      key: Buffer.alloc(131, 0xaa),
      data: Buffer.from(
        "This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.",
      ),
      expected: "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
    },
  ];

  it("gives the RFC 4231 results", () => {
    for (const { key, data, expected } of vectors) {
      expect(mac(key, none, data)).toBe(expected);
      // Split anywhere between prefix and message, the same MAC.
      expect(mac(key, data.subarray(0, 7), data.subarray(7))).toBe(expected);
    }
  });

  it("matches Node's HMAC and @noble/hashes for every key and message length around the block edges", () => {
    for (const keyLength of [0, 1, 32, 63, 64, 65, 200]) {
      const key = Uint8Array.from({ length: keyLength }, (_, i) => (i * 31 + 7) & 0xff);
      for (let length = 0; length <= 200; length++) {
        const data = Uint8Array.from({ length }, (_, i) => (i * 17 + length) & 0xff);
        const expected = createHmac("sha256", key).update(data).digest("hex");
        const cut = Math.min(length, 26);
        expect(mac(key, data.subarray(0, cut), data.subarray(cut))).toBe(expected);
        expect(hex(hmac(sha256, key, data))).toBe(expected);
      }
    }
  });

  it("matches Node's HMAC for arbitrary keys, prefixes and messages, one key reused", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 150 }),
        fc.array(fc.tuple(fc.uint8Array({ maxLength: 80 }), fc.uint8Array({ maxLength: 150 })), {
          minLength: 1,
          maxLength: 5,
        }),
        (key, messages) => {
          const prepared = hmacSha256Key(key);
          const out = new Uint8Array(32);
          for (const [prefix, message] of messages) {
            const expected = createHmac("sha256", key).update(prefix).update(message).digest("hex");
            expect(hex(hmacSha256Into(prepared, prefix, message, out))).toBe(expected);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
