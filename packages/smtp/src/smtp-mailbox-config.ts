import { createPrivateKey } from "node:crypto";
import { emailAddressSchema } from "@cadenza/core";
import { z } from "zod";

const hostnameSchema = z
  .string()
  .trim()
  .toLowerCase()
  .min(1)
  .max(253)
  .regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/, "Invalid domain name");

/** A PEM private key that node:crypto can load; nodemailer silently skips signing with a bad one. */
function isPrivateKeyPem(value: string): boolean {
  try {
    createPrivateKey(value);
    return true;
  } catch {
    return false;
  }
}

/** DKIM signing key of a mailbox: the TXT record lives at `<keySelector>._domainkey.<domainName>`. */
export const smtpDkimConfigSchema = z.object({
  /** The signing domain (`d=`); align it with the From domain so DMARC passes. */
  domainName: hostnameSchema,
  /** The selector (`s=`). */
  keySelector: z
    .string()
    .trim()
    .min(1)
    .max(63)
    .regex(/^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$/, "Invalid DKIM selector"),
  /** The private key in PEM form (PKCS#1 or PKCS#8). */
  privateKey: z.string().min(1).refine(isPrivateKeyPem, "Not a PEM private key"),
});

/** Connection pooling: `true` (the default) pools with the defaults below, `false` opens a connection per message. */
export const smtpPoolConfigSchema = z
  .union([
    z.boolean(),
    z.object({
      /** Most connections open at once to the server. */
      maxConnections: z.number().int().min(1).max(100).default(5),
      /** Messages sent over one connection before it is replaced. */
      maxMessages: z.number().int().min(1).max(100_000).default(100),
    }),
  ])
  .default(true)
  .transform((pool) =>
    pool === false ? null : pool === true ? { maxConnections: 5, maxMessages: 100 } : pool,
  );

/** How long to wait for the server, in milliseconds. */
export const smtpTimeoutsSchema = z.object({
  /** To open the TCP connection. */
  connectionMs: z.number().int().min(1).max(600_000).default(30_000),
  /** For the server's greeting once connected. */
  greetingMs: z.number().int().min(1).max(600_000).default(30_000),
  /** Of silence on an open connection (a reply that never comes). */
  socketMs: z.number().int().min(1).max(3_600_000).default(60_000),
});

/**
 * One sending mailbox reached over SMTP: its identity, the server (`url`, or `host`/`port`/`secure`),
 * credentials, TLS, optional DKIM key, pooling and timeouts.
 *
 * ```ts
 * const config: SmtpMailboxConfig = {
 *   fromName: "Ada Lovelace",
 *   fromEmail: "ada@acme.example",
 *   host: "smtp.acme.example",
 *   port: 587,
 *   auth: { user: "ada@acme.example", pass: process.env.SMTP_PASS! },
 *   requireTLS: true,
 * };
 * ```
 */
export const smtpMailboxConfigSchema = z
  .object({
    fromName: z.string().trim().max(200).default(""),
    fromEmail: emailAddressSchema,
    /** `smtp://user:pass@host:587` or `smtps://…:465`; instead of `host`/`port`/`secure`. */
    url: z.url({ protocol: /^smtps?$/, message: "Invalid SMTP URL (smtp:// or smtps://)" }).optional(),
    host: z.string().trim().min(1).max(253).optional(),
    /** Defaults to 587, or 465 when `secure`. */
    port: z.number().int().min(1).max(65_535).optional(),
    /** TLS from the first byte (port 465); otherwise STARTTLS is used when the server offers it. */
    secure: z.boolean().optional(),
    auth: z.object({ user: z.string().min(1), pass: z.string().min(1) }).optional(),
    tls: z
      .object({
        /** Refuse servers whose certificate does not verify. Turn off only for self-signed test servers. */
        rejectUnauthorized: z.boolean().default(true),
        /** Name to verify the certificate against (and send as SNI) when `host` is an IP address. */
        servername: z.string().trim().min(1).optional(),
      })
      .prefault({}),
    /** Fail instead of sending in clear text when the server does not offer STARTTLS. */
    requireTLS: z.boolean().default(false),
    /** Host name announced in EHLO; defaults to this machine's host name. */
    ehloName: z.string().trim().min(1).max(253).optional(),
    dkim: smtpDkimConfigSchema.optional(),
    pool: smtpPoolConfigSchema,
    timeouts: smtpTimeoutsSchema.prefault({}),
  })
  .superRefine((config, ctx) => {
    if (config.url === undefined && config.host === undefined) {
      ctx.addIssue({ code: "custom", path: ["host"], message: "Give the server as `url` or as `host`" });
    }
    if (config.url !== undefined) {
      for (const key of ["host", "port", "secure"] as const) {
        if (config[key] !== undefined) {
          ctx.addIssue({
            code: "custom",
            path: [key],
            message: `\`${key}\` cannot be combined with \`url\``,
          });
        }
      }
    }
  });

/** What `smtpTransport` accepts (defaults not yet applied). */
export type SmtpMailboxConfig = z.input<typeof smtpMailboxConfigSchema>;
/** A validated mailbox config, defaults applied. */
export type ResolvedSmtpMailboxConfig = z.output<typeof smtpMailboxConfigSchema>;

/** Choices about how messages are written, beyond the mailbox itself. */
export const smtpTransportOptionsSchema = z.object({
  /**
   * Header carrying the message's idempotency key, or `false` to leave it out. Recipients can see it;
   * the key is an opaque token.
   */
  idempotencyKeyHeader: z
    .union([
      z.literal(false),
      z
        .string()
        .trim()
        .regex(/^[!-9;-~]+$/, "Invalid header name"),
    ])
    .default("X-Idempotency-Key"),
  /**
   * Whose identity goes in the From header. `mailbox` (default): always the mailbox's address, with
   * the message's display name when it has one. `message`: the message's `from` as given (for aliases
   * the server lets this mailbox send as). The envelope sender is the mailbox's address either way.
   */
  fromHeader: z.enum(["mailbox", "message"]).default("mailbox"),
});

/** What the second argument of `smtpTransport` accepts. */
export type SmtpTransportOptions = z.input<typeof smtpTransportOptionsSchema>;
/** Validated transport options, defaults applied. */
export type ResolvedSmtpTransportOptions = z.output<typeof smtpTransportOptionsSchema>;
