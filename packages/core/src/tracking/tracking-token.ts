import { sha256 } from "@noble/hashes/sha2.js";
import { z } from "zod";
import { parseInput } from "../errors.js";
import { decodeBase64Url, encodeBase64Url } from "./base64url.js";
import { type HmacSha256Key, hmacSha256Into, hmacSha256Key } from "./hmac-sha256.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const emailIdSchema = z
  .string()
  .regex(UUID, "must be a UUID")
  .transform((id) => id.toLowerCase());

/** The kinds of tracking token; each is accepted only by its own route. */
export const TOKEN_KINDS = ["open", "click", "unsubscribe"] as const;
export type TokenKind = (typeof TOKEN_KINDS)[number];

/** Most links a click token can point at (the index is stored in two bytes). */
export const MAX_LINK_INDEX = 0xffff;

/**
 * What a tracking token carries. A click names the link by its index in the email's stored links,
 * never by URL, so a token cannot be turned into a redirect to anywhere else.
 */
export const tokenPayloadSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("open"), emailId: emailIdSchema }),
  z.object({
    kind: z.literal("click"),
    emailId: emailIdSchema,
    linkIndex: z.number().int().min(0).max(MAX_LINK_INDEX),
  }),
  z.object({ kind: z.literal("unsubscribe"), emailId: emailIdSchema }),
]);
export type TokenPayload = z.output<typeof tokenPayloadSchema>;

const secretSchema = z.string().min(32, "must be at least 32 characters (e.g. `openssl rand -base64 32`)");

/**
 * Signing secrets, newest first: tokens are signed with the first and accepted with any, so a new
 * secret can be put in front and an old one dropped once its tokens no longer matter.
 */
export const tokenSecretsSchema = z
  .union([
    z.array(secretSchema).min(1),
    z.array(z.object({ id: z.string().min(1).max(200), secret: secretSchema })).min(1),
  ])
  .superRefine((secrets, ctx) => {
    const ids = secrets.map((s) => (typeof s === "string" ? s : s.id));
    if (new Set(ids).size !== ids.length) {
      ctx.addIssue({ code: "custom", message: "secrets and key ids must be unique" });
    }
  });
export type TokenSecrets = z.input<typeof tokenSecretsSchema>;

/** Signs and verifies tracking tokens; see `createTokenSigner`. */
export interface TokenSigner {
  /** A compact base64url token for the payload, signed with the first secret. */
  sign(payload: z.input<typeof tokenPayloadSchema>): Promise<string>;
  /**
   * Signs the tokens of one email synchronously: the id is checked and encoded once, then each token
   * costs one HMAC (what the dispatcher uses, several tokens per email).
   */
  forEmail(emailId: string): EmailTokenSigner;
  /**
   * The payload of a token signed with any configured secret, or null for anything else (tampered,
   * truncated, extended, unknown key, or of another kind than `kind` when given).
   */
  verify(token: string, kind?: TokenKind): Promise<TokenPayload | null>;
  /** `verify`, answered synchronously (what the tracking routes use, once per request). */
  verifyNow(token: string, kind?: TokenKind): TokenPayload | null;
}

/** The tokens of one email, signed with the first secret; see `TokenSigner.forEmail`. */
export interface EmailTokenSigner {
  open(): string;
  unsubscribe(): string;
  /** The click token of the email's link number `linkIndex` (0 to `MAX_LINK_INDEX`). */
  click(linkIndex: number): string;
}

// Layout: [version<<4 | kind] [key tag: 2] [email id: 16] [click only: link index, u16 BE] [HMAC: 32]
const VERSION = 1;
const KIND_CODES: Record<TokenKind, number> = { open: 1, click: 2, unsubscribe: 3 };
const KINDS_BY_CODE = new Map(Object.entries(KIND_CODES).map(([kind, code]) => [code, kind as TokenKind]));
const HEADER_BYTES = 3;
const ID_BYTES = 16;
const INDEX_BYTES = 2;
const MAC_BYTES = 32;
const MAX_BODY_BYTES = HEADER_BYTES + ID_BYTES + INDEX_BYTES;
/** Longer than any token this format produces; longer input is rejected before decoding. */
const MAX_TOKEN_CHARS = 96;
const encoder = new TextEncoder();
const MAC_CONTEXT = encoder.encode("cadenza/tracking-token/v1\0");

interface SigningKey {
  tag: number;
  /** The secret's HMAC key, its hash states computed once. */
  key: HmacSha256Key;
}

/**
 * Creates a signer for open, click and unsubscribe tokens (HMAC-SHA256 in plain JavaScript, so it
 * runs synchronously on Node and edge runtimes alike, with no thread-pool round trip per token; the
 * key's hash states are computed once, so a token costs two SHA-256 compressions).
 *
 * ```ts
 * const signer = createTokenSigner([process.env.TRACKING_SECRET!]);
 * const token = await signer.sign({ kind: "click", emailId, linkIndex: 0 });
 * await signer.verify(token, "click"); // { kind: "click", emailId, linkIndex: 0 }
 * signer.forEmail(emailId).open(); // the same format, synchronously
 * ```
 */
export function createTokenSigner(secrets: TokenSecrets): TokenSigner {
  const parsed = parseInput(tokenSecretsSchema, secrets, ["secrets"]);
  const keys = parsed.map((s) => signingKey(typeof s === "string" ? { id: s, secret: s } : s));
  const first = keys[0]!;
  // Signing is synchronous, so one set of scratch buffers serves every token of this signer.
  const scratch = {
    token: new Uint8Array(MAX_BODY_BYTES + MAC_BYTES),
    mac: new Uint8Array(MAC_BYTES),
    check: new Uint8Array(MAC_BYTES),
  };
  const signBody = (body: Uint8Array) => {
    scratch.token.set(body, 0);
    scratch.token.set(macInto(first, body, scratch.mac), body.length);
    return encodeBase64Url(scratch.token.subarray(0, body.length + MAC_BYTES));
  };

  return {
    async sign(input) {
      const payload = parseInput(tokenPayloadSchema, input, ["payload"]);
      return signBody(
        encodeBody(
          payload.kind,
          uuidToBytes(payload.emailId),
          first.tag,
          payload.kind === "click" ? payload.linkIndex : 0,
        ),
      );
    },

    forEmail(emailId) {
      const id = uuidToBytes(parseInput(emailIdSchema, emailId, ["payload", "emailId"]));
      return {
        open: () => signBody(encodeBody("open", id, first.tag, 0)),
        unsubscribe: () => signBody(encodeBody("unsubscribe", id, first.tag, 0)),
        click: (linkIndex) => {
          if (!Number.isInteger(linkIndex) || linkIndex < 0 || linkIndex > MAX_LINK_INDEX) {
            parseInput(tokenPayloadSchema, { kind: "click", emailId, linkIndex }, ["payload"]);
          }
          return signBody(encodeBody("click", id, first.tag, linkIndex));
        },
      };
    },

    async verify(token, kind) {
      return verifyNow(token, kind);
    },

    verifyNow,
  };

  function verifyNow(token: string, kind?: TokenKind): TokenPayload | null {
    if (typeof token !== "string" || token.length > MAX_TOKEN_CHARS) return null;
    const bytes = decodeBase64Url(token);
    if (!bytes || bytes.length < HEADER_BYTES + ID_BYTES + MAC_BYTES) return null;
    const body = bytes.subarray(0, bytes.length - MAC_BYTES);
    const payload = decodeBody(body);
    if (!payload || (kind !== undefined && payload.kind !== kind)) return null;
    const tag = (body[1]! << 8) | body[2]!;
    const given = bytes.subarray(bytes.length - MAC_BYTES);
    for (const key of keys) {
      if (key.tag === tag && equalInConstantTime(macInto(key, body, scratch.check), given)) {
        return payload;
      }
    }
    return null;
  }
}

function signingKey(entry: { id: string; secret: string }): SigningKey {
  // The tag only picks which key to try; a collision costs one extra verification, nothing more.
  const digest = sha256(encoder.encode(`cadenza/tracking-token/key\0${entry.id}`));
  return { tag: (digest[0]! << 8) | digest[1]!, key: hmacSha256Key(encoder.encode(entry.secret)) };
}

/** HMAC-SHA256 of the context string followed by the token body, written into `out`. */
function macInto(key: SigningKey, body: Uint8Array, out: Uint8Array): Uint8Array {
  return hmacSha256Into(key.key, MAC_CONTEXT, body, out);
}

/** Compares two MACs without an early exit, so the time taken says nothing about where they differ. */
function equalInConstantTime(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

function encodeBody(kind: TokenKind, id: Uint8Array, tag: number, linkIndex: number): Uint8Array {
  const click = kind === "click";
  const body = new Uint8Array(HEADER_BYTES + ID_BYTES + (click ? INDEX_BYTES : 0));
  body[0] = (VERSION << 4) | KIND_CODES[kind];
  body[1] = tag >> 8;
  body[2] = tag & 0xff;
  body.set(id, HEADER_BYTES);
  if (click) {
    body[HEADER_BYTES + ID_BYTES] = linkIndex >> 8;
    body[HEADER_BYTES + ID_BYTES + 1] = linkIndex & 0xff;
  }
  return body;
}

function decodeBody(body: Uint8Array): TokenPayload | null {
  const version = body[0]! >> 4;
  const kind = KINDS_BY_CODE.get(body[0]! & 0x0f);
  if (version !== VERSION || !kind) return null;
  const expected = HEADER_BYTES + ID_BYTES + (kind === "click" ? INDEX_BYTES : 0);
  if (body.length !== expected) return null;
  const emailId = bytesToUuid(body.subarray(HEADER_BYTES, HEADER_BYTES + ID_BYTES));
  if (kind !== "click") return { kind, emailId };
  const linkIndex = (body[HEADER_BYTES + ID_BYTES]! << 8) | body[HEADER_BYTES + ID_BYTES + 1]!;
  return { kind, emailId, linkIndex };
}

function uuidToBytes(uuid: string): Uint8Array {
  const hex = uuid.replaceAll("-", "");
  const out = new Uint8Array(ID_BYTES);
  for (let i = 0; i < ID_BYTES; i++) out[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, "0"));

function bytesToUuid(bytes: Uint8Array): string {
  let uuid = "";
  for (let i = 0; i < ID_BYTES; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) uuid += "-";
    uuid += HEX[bytes[i]!]!;
  }
  return uuid;
}
