import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { HostEnv } from "./host-config.js";

/** The keys the host runs with, and whether any came from the development key file. */
export interface HostSecrets {
  apiKey: string;
  trackingSecret: string;
  inboundSecret: string;
  /** The development key file used for missing keys, or null when the environment gave them all. */
  devFile: string | null;
}

const token = () => randomBytes(32).toString("base64url");

/**
 * The API key and the signing secret: from the environment, or — in development only — from a key
 * file beside the database, generated on first use. The file matters: a `cadenza worker` in another
 * process must sign links with the same secret the web process verifies, and links already sent must
 * keep working after a restart.
 */
export function resolveSecrets(env: HostEnv): HostSecrets {
  let devFile: string | null = null;
  let stored: { apiKey?: string; trackingSecret?: string } = {};
  if (env.CADENZA_API_KEY === undefined || env.CADENZA_SECRET === undefined) {
    const folder = env.DATABASE_URL ? resolve(".cadenza") : dirname(resolve(env.CADENZA_DB));
    devFile = join(folder, "dev-secrets.json");
    stored = readKeyFile(devFile);
    if (!stored.apiKey || !stored.trackingSecret) {
      stored = { apiKey: stored.apiKey ?? token(), trackingSecret: stored.trackingSecret ?? token() };
      mkdirSync(folder, { recursive: true });
      writeFileSync(devFile, `${JSON.stringify(stored, null, 2)}\n`, { mode: 0o600 });
    }
  }
  const apiKey = env.CADENZA_API_KEY ?? stored.apiKey!;
  return {
    apiKey,
    trackingSecret: env.CADENZA_SECRET ?? stored.trackingSecret!,
    inboundSecret: env.CADENZA_INBOUND_SECRET ?? apiKey,
    devFile,
  };
}

function readKeyFile(file: string): { apiKey?: string; trackingSecret?: string } {
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, "utf8"));
    if (parsed && typeof parsed === "object") return parsed as { apiKey?: string; trackingSecret?: string };
  } catch {
    // Missing or unreadable: new keys are generated and written.
  }
  return {};
}
