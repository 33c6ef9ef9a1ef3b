import { createHash, createHmac } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isCadenzaError } from "../errors.js";
import { decodeBase64Url, encodeBase64Url } from "./base64url.js";
import { createTokenSigner, type TokenPayload } from "./tracking-token.js";

const SECRET_A = "a-very-long-secret-for-tests-0000000000000";
const SECRET_B = "another-long-secret-for-tests-111111111111";
const EMAIL = "0192f0c4-3b7a-7cde-8f00-1234567890ab";
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

const payloads: TokenPayload[] = [
  { kind: "open", emailId: EMAIL },
  { kind: "click", emailId: EMAIL, linkIndex: 0 },
  { kind: "click", emailId: EMAIL, linkIndex: 65535 },
  { kind: "unsubscribe", emailId: EMAIL },
];

describe("tracking tokens", () => {
  it("round-trips every kind and stays short and URL-safe", async () => {
    const signer = createTokenSigner([SECRET_A]);
    for (const payload of payloads) {
      const token = await signer.sign(payload);
      expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(token.length).toBe(payload.kind === "click" ? 71 : 68);
      expect(await signer.verify(token)).toEqual(payload);
      expect(await signer.verify(token, payload.kind)).toEqual(payload);
    }
  });

  it("normalises upper-case email ids to lower case", async () => {
    const signer = createTokenSigner([SECRET_A]);
    const token = await signer.sign({ kind: "open", emailId: EMAIL.toUpperCase() });
    expect(await signer.verify(token)).toEqual({ kind: "open", emailId: EMAIL });
  });

  it("rejects a token of another kind than the route expects", async () => {
    const signer = createTokenSigner([SECRET_A]);
    const open = await signer.sign({ kind: "open", emailId: EMAIL });
    const click = await signer.sign({ kind: "click", emailId: EMAIL, linkIndex: 3 });
    expect(await signer.verify(open, "click")).toBeNull();
    expect(await signer.verify(open, "unsubscribe")).toBeNull();
    expect(await signer.verify(click, "open")).toBeNull();
  });

  it("rejects every single-character change", async () => {
    const signer = createTokenSigner([SECRET_A]);
    for (const payload of payloads) {
      const token = await signer.sign(payload);
      for (let i = 0; i < token.length; i++) {
        for (const replacement of [ALPHABET[(ALPHABET.indexOf(token[i]!) + 1) % 64]!, "=", ".", "%"]) {
          const tampered = token.slice(0, i) + replacement + token.slice(i + 1);
          expect(await signer.verify(tampered), `${payload.kind} @${i} → ${replacement}`).toBeNull();
        }
      }
    }
  });

  it("rejects every bit flip of the decoded bytes, including the kind and the link index", async () => {
    const signer = createTokenSigner([SECRET_A]);
    const token = await signer.sign({ kind: "click", emailId: EMAIL, linkIndex: 2 });
    const bytes = decodeBase64Url(token)!;
    for (let i = 0; i < bytes.length; i++) {
      for (let bit = 0; bit < 8; bit++) {
        const flipped = bytes.slice();
        flipped[i]! ^= 1 << bit;
        expect(await signer.verify(encodeBase64Url(flipped))).toBeNull();
      }
    }
  });

  it("rejects truncated and extended tokens", async () => {
    const signer = createTokenSigner([SECRET_A]);
    const token = await signer.sign({ kind: "unsubscribe", emailId: EMAIL });
    for (let length = 0; length < token.length; length++) {
      expect(await signer.verify(token.slice(0, length))).toBeNull();
    }
    for (const suffix of ["A", "AA", "AAAA", "=", token]) {
      expect(await signer.verify(token + suffix)).toBeNull();
    }
    const bytes = decodeBase64Url(token)!;
    const shorterMac = encodeBase64Url(bytes.subarray(0, bytes.length - 16));
    expect(await signer.verify(shorterMac)).toBeNull();
  });

  it("rejects tokens signed with a secret it does not hold", async () => {
    const token = await createTokenSigner([SECRET_B]).sign({ kind: "open", emailId: EMAIL });
    expect(await createTokenSigner([SECRET_A]).verify(token)).toBeNull();
  });

  it("accepts old tokens during rotation and signs with the first secret", async () => {
    const old = createTokenSigner([SECRET_A]);
    const rotated = createTokenSigner([SECRET_B, SECRET_A]);
    const after = createTokenSigner([SECRET_B]);
    const oldToken = await old.sign({ kind: "open", emailId: EMAIL });
    const newToken = await rotated.sign({ kind: "open", emailId: EMAIL });
    expect(await rotated.verify(oldToken)).toEqual({ kind: "open", emailId: EMAIL });
    expect(await rotated.verify(newToken)).toEqual({ kind: "open", emailId: EMAIL });
    expect(await old.verify(newToken)).toBeNull();
    expect(await after.verify(newToken)).toEqual({ kind: "open", emailId: EMAIL });
    expect(await after.verify(oldToken)).toBeNull();
  });

  it("rotates by key id: the same secret under another id is another key", async () => {
    const v1 = createTokenSigner([{ id: "2025-01", secret: SECRET_A }]);
    const both = createTokenSigner([
      { id: "2025-06", secret: SECRET_B },
      { id: "2025-01", secret: SECRET_A },
    ]);
    const token = await v1.sign({ kind: "click", emailId: EMAIL, linkIndex: 9 });
    expect(await both.verify(token)).toEqual({ kind: "click", emailId: EMAIL, linkIndex: 9 });
    expect(await createTokenSigner([{ id: "other", secret: SECRET_A }]).verify(token)).toBeNull();
  });

  it("refuses short, missing or duplicate secrets and bad payloads", async () => {
    const failsWith = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        return isCadenzaError(error, "VALIDATION");
      }
      return false;
    };
    expect(failsWith(() => createTokenSigner(["short"]))).toBe(true);
    expect(failsWith(() => createTokenSigner([]))).toBe(true);
    expect(failsWith(() => createTokenSigner([SECRET_A, SECRET_A]))).toBe(true);
    expect(
      failsWith(() =>
        createTokenSigner([
          { id: "k", secret: SECRET_A },
          { id: "k", secret: SECRET_B },
        ]),
      ),
    ).toBe(true);
    const signer = createTokenSigner([SECRET_A]);
    await expect(signer.sign({ kind: "open", emailId: "not-a-uuid" })).rejects.toMatchObject({
      code: "VALIDATION",
    });
    await expect(signer.sign({ kind: "click", emailId: EMAIL, linkIndex: 65536 })).rejects.toMatchObject({
      code: "VALIDATION",
    });
    await expect(signer.sign({ kind: "click", emailId: EMAIL, linkIndex: -1 })).rejects.toMatchObject({
      code: "VALIDATION",
    });
  });

  it("round-trips arbitrary payloads and rejects arbitrary strings", async () => {
    const signer = createTokenSigner([SECRET_B, SECRET_A]);
    await fc.assert(
      fc.asyncProperty(fc.uuid(), fc.integer({ min: 0, max: 65535 }), async (emailId, linkIndex) => {
        const token = await signer.sign({ kind: "click", emailId, linkIndex });
        expect(await signer.verify(token, "click")).toEqual({ kind: "click", emailId, linkIndex });
      }),
      { numRuns: 300 },
    );
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 120 }), async (text) => {
        expect(await signer.verify(text)).toBeNull();
      }),
      { numRuns: 1000 },
    );
  });
});

/** The token format computed independently: Node's own HMAC over the documented layout. */
function nodeToken(secret: string, keyId: string, payload: TokenPayload): string {
  const tag = createHash("sha256").update(`cadenza/tracking-token/key\0${keyId}`).digest();
  const kind = { open: 1, click: 2, unsubscribe: 3 }[payload.kind];
  const index = payload.kind === "click" ? [payload.linkIndex >> 8, payload.linkIndex & 0xff] : [];
  const body = Buffer.from([
    0x10 | kind,
    tag[0]!,
    tag[1]!,
    ...Buffer.from(payload.emailId.replaceAll("-", ""), "hex"),
    ...index,
  ]);
  const mac = createHmac("sha256", secret).update("cadenza/tracking-token/v1\0").update(body).digest();
  return Buffer.concat([body, mac]).toString("base64url");
}

/** A token as the Web Crypto signer of earlier versions produced it (`crypto.subtle.sign`). */
async function webCryptoToken(secret: string, payload: TokenPayload): Promise<string> {
  const encoder = new TextEncoder();
  const key = await crypto.subtle.importKey(
    "raw",
    encoder.encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const body = Buffer.from(nodeToken(secret, secret, payload), "base64url").subarray(
    0,
    payload.kind === "click" ? 21 : 19,
  );
  const mac = await crypto.subtle.sign(
    "HMAC",
    key,
    Buffer.concat([encoder.encode("cadenza/tracking-token/v1\0"), body]),
  );
  return Buffer.concat([body, Buffer.from(mac)]).toString("base64url");
}

describe("tracking token format", () => {
  it("signs byte for byte what Node's HMAC computes over the documented layout", async () => {
    const signer = createTokenSigner([SECRET_A]);
    const byId = createTokenSigner([{ id: "2025-06", secret: SECRET_B }]);
    for (const payload of payloads) {
      expect(await signer.sign(payload)).toBe(nodeToken(SECRET_A, SECRET_A, payload));
      expect(await byId.sign(payload)).toBe(nodeToken(SECRET_B, "2025-06", payload));
    }
  });

  it("verifies tokens of the earlier Web Crypto signer, and Web Crypto verifies its tokens", async () => {
    const signer = createTokenSigner([SECRET_A]);
    const encoder = new TextEncoder();
    const key = await crypto.subtle.importKey(
      "raw",
      encoder.encode(SECRET_A),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["verify"],
    );
    for (const payload of payloads) {
      const old = await webCryptoToken(SECRET_A, payload);
      expect(await signer.verify(old, payload.kind)).toEqual(payload);
      const bytes = Buffer.from(await signer.sign(payload), "base64url");
      const body = bytes.subarray(0, bytes.length - 32);
      const data = Buffer.concat([encoder.encode("cadenza/tracking-token/v1\0"), body]);
      expect(await crypto.subtle.verify("HMAC", key, bytes.subarray(bytes.length - 32), data)).toBe(true);
    }
  });

  it("signs an email's tokens synchronously, the same as one by one", async () => {
    const signer = createTokenSigner([SECRET_B, SECRET_A]);
    const tokens = signer.forEmail(EMAIL.toUpperCase());
    expect(tokens.open()).toBe(await signer.sign({ kind: "open", emailId: EMAIL }));
    expect(tokens.unsubscribe()).toBe(await signer.sign({ kind: "unsubscribe", emailId: EMAIL }));
    for (const linkIndex of [0, 1, 300, 65535]) {
      const token = tokens.click(linkIndex);
      expect(token).toBe(await signer.sign({ kind: "click", emailId: EMAIL, linkIndex }));
      expect(await signer.verify(token, "click")).toEqual({ kind: "click", emailId: EMAIL, linkIndex });
    }
  });

  it("refuses a bad email id or link index when signing an email's tokens", () => {
    const signer = createTokenSigner([SECRET_A]);
    expect(() => signer.forEmail("not-a-uuid")).toThrow(expect.objectContaining({ code: "VALIDATION" }));
    const tokens = signer.forEmail(EMAIL);
    for (const linkIndex of [-1, 65536, 1.5, Number.NaN]) {
      expect(() => tokens.click(linkIndex)).toThrow(expect.objectContaining({ code: "VALIDATION" }));
    }
  });
});

describe("base64url", () => {
  it("round-trips bytes and rejects non-canonical spellings", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
        expect(encodeBase64Url(bytes)).toBe(Buffer.from(bytes).toString("base64url"));
        expect(decodeBase64Url(encodeBase64Url(bytes))).toEqual(bytes);
      }),
    );
    expect(encodeBase64Url(new Uint8Array([0xff]))).toBe("_w");
    expect(decodeBase64Url("_x")).toBeNull(); // unused low bits set
    expect(decodeBase64Url("_w==")).toBeNull();
    expect(decodeBase64Url("A")).toBeNull();
    expect(decodeBase64Url("a+b/")).toBeNull();
    // Characters past ASCII, alone or as a surrogate pair, are outside the alphabet.
    expect(decodeBase64Url("AAé")).toBeNull();
    expect(decodeBase64Url("AA\u{1F600}")).toBeNull();
    expect(decodeBase64Url("AA\u0000")).toBeNull();
    // Whatever it accepts is what Node decodes, spelled the one canonical way.
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 40 }), (text) => {
        const bytes = decodeBase64Url(text);
        if (bytes === null) return;
        expect(Buffer.from(bytes)).toEqual(Buffer.from(text, "base64url"));
        expect(encodeBase64Url(bytes)).toBe(text);
      }),
    );
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9_-]{0,40}$/), (text) => {
        const bytes = decodeBase64Url(text);
        if (bytes !== null) expect(encodeBase64Url(bytes)).toBe(text);
        else
          expect(text.length % 4 === 1 || Buffer.from(text, "base64url").toString("base64url") !== text).toBe(
            true,
          );
      }),
    );
  });
});
