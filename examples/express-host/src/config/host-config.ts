import { z } from "zod";

/** An environment variable set to an empty string counts as unset. */
const variable = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (typeof value === "string" && value.trim() === "" ? undefined : value), schema);

const isoDate = z.iso
  .datetime({ offset: true, message: "must be an ISO date-time such as 2026-01-05T08:00:00Z" })
  .or(z.iso.date({ message: "must be an ISO date-time such as 2026-01-05T08:00:00Z" }));

/**
 * The host's environment, validated once at start. Every variable is optional in development; in
 * production (`NODE_ENV=production`) the API key, the signing secret, the public URL and the sender
 * are required, so nothing runs with a generated key or a localhost link by accident.
 */
export const hostEnvSchema = z
  .object({
    NODE_ENV: variable(z.enum(["development", "production", "test"]).default("development")),
    /** Port of the web server; 0 picks a free one. */
    PORT: variable(z.coerce.number().int().min(0).max(65_535).default(3000)),
    /** Address the web server binds; loopback unless told otherwise (the mail catcher has no login). */
    HOST: variable(z.string().min(1).default("127.0.0.1")),
    /** Postgres connection string; when set, the store is Postgres. */
    DATABASE_URL: variable(
      z.url({ protocol: /^postgres(ql)?$/, message: "must be a postgres:// URL" }).optional(),
    ),
    /** Postgres schema the tables live in (created by the migrations). */
    DATABASE_SCHEMA: variable(
      z
        .string()
        .regex(/^[a-z_][a-z0-9_]{0,62}$/, "must be a lower-case SQL identifier")
        .default("cadenza"),
    ),
    /** SQLite database file used when DATABASE_URL is unset. */
    CADENZA_DB: variable(z.string().min(1).default("./.cadenza/cadenza.db")),
    /** Real SMTP server; when unset, mail goes to the built-in catcher at /dev/mail. */
    SMTP_URL: variable(
      z.url({ protocol: /^smtps?$/, message: "must be an smtp:// or smtps:// URL" }).optional(),
    ),
    /** SMTP port of the development mail catcher (0: any free port); a separate worker can send to it. */
    MAIL_CATCHER_PORT: variable(z.coerce.number().int().min(0).max(65_535).default(0)),
    /** Bearer key of the management API. */
    CADENZA_API_KEY: variable(z.string().min(16, "must be at least 16 characters").optional()),
    /** Signs tracking and unsubscribe links. */
    CADENZA_SECRET: variable(
      z.string().min(32, "must be at least 32 characters (it signs tracking links)").optional(),
    ),
    /** Secret the inbound-mail webhook requires; defaults to the API key. */
    CADENZA_INBOUND_SECRET: variable(z.string().min(16, "must be at least 16 characters").optional()),
    /** Base URL recipients reach this host at; tracking and unsubscribe links start with it. */
    PUBLIC_URL: variable(
      z
        .url({ protocol: /^https?$/, message: "must be an http:// or https:// URL" })
        .refine((u) => !/[?#]/.test(u), "must not have a query or fragment")
        .optional(),
    ),
    SENDER_EMAIL: variable(z.email("must be an email address").default("outreach@example.com")),
    SENDER_NAME: variable(z.string().min(1).max(200).default("Cadenza")),
    /** Postal address for the unsubscribe footer; no footer when unset. */
    POSTAL_ADDRESS: variable(z.string().min(1).max(500).optional()),
    /** Prospect attributes templates may use beyond the built-in variables, comma-separated. */
    CADENZA_CUSTOM_VARIABLES: variable(
      z
        .string()
        .default("hotel_name")
        .transform((v) =>
          v
            .split(",")
            .map((s) => s.trim())
            .filter(Boolean),
        )
        .pipe(z.array(z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, "names are letters, digits and _"))),
    ),
    /** Start time of a simulated clock; enables POST /api/dev/clock and /api/dev/dispatch. */
    CADENZA_FAKE_CLOCK: variable(isoDate.optional()),
    /** `on`: the dispatcher runs in this process; `off`: a separate `cadenza worker` sends. */
    DISPATCH: variable(z.enum(["on", "off"]).optional()),
    /** Idle wait of the in-process dispatcher between passes, in milliseconds. */
    DISPATCH_POLL_MS: variable(z.coerce.number().int().min(100).max(3_600_000).default(30_000)),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV !== "production") return;
    const required = ["CADENZA_API_KEY", "CADENZA_SECRET", "PUBLIC_URL"] as const;
    for (const key of required) {
      if (env[key] === undefined)
        ctx.addIssue({ code: "custom", path: [key], message: "is required in production" });
    }
    if (env.CADENZA_FAKE_CLOCK !== undefined) {
      ctx.addIssue({ code: "custom", path: ["CADENZA_FAKE_CLOCK"], message: "is for development only" });
    }
  });

export type HostEnv = z.output<typeof hostEnvSchema>;

/** The configuration could not be read; `message` lists every bad variable, one per line. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

/**
 * Reads and validates the host's environment, reporting every problem at once.
 *
 * ```ts
 * const env = readHostEnv(process.env); // throws ConfigError: "PORT: Too big: expected number to be <=65535"
 * ```
 */
export function readHostEnv(source: Record<string, string | undefined>): HostEnv {
  const result = hostEnvSchema.safeParse(source);
  if (result.success) return result.data;
  const lines = result.error.issues.map(
    (issue) => `  ${issue.path.join(".") || "(environment)"}: ${issue.message}`,
  );
  throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
}
