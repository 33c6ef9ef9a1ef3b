import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { apiClient } from "../../demo/api-client.js";
import { auditCampaignBody } from "../../demo/audit-campaign.js";
import { createEngine } from "../config/create-engine.js";
import { resolveSecrets } from "../config/dev-secrets.js";
import { readHostEnv } from "../config/host-config.js";
import { type RunningHost, startHost } from "../host/start-host.js";
import { runCli } from "./run-cli.js";

const CLI = fileURLToPath(new URL("./cli.ts", import.meta.url));
const CSV = fileURLToPath(new URL("../../demo/prospects.csv", import.meta.url));
// Vite's module runner has no import.meta.resolve; require.resolve finds the same file.
const TSX = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
const API_KEY = "cli-test-api-key-0123456789";
const SECRET = "cli-test-tracking-secret-0123456789abcdef";

let folder: string;
let env: Record<string, string>;

/** Runs `cadenza <args>` in its own process; `until` lets a long-running command be stopped with SIGTERM. */
function cadenza(
  args: string[],
  extraEnv: Record<string, string> = {},
  until?: (output: string) => boolean,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--conditions=@cadenza/source", "--import", TSX, CLI, ...args], {
      env: { ...process.env, ...env, ...extraEnv },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    let signalled = false;
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      if (until && !signalled && until(output)) {
        signalled = true;
        child.kill("SIGTERM");
      }
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    child.once("error", reject);
    child.once("exit", (code) => resolve({ code, output }));
  });
}

/** Runs a command in this process (every command but the worker), collecting what it prints. */
async function run(
  args: string[],
  extraEnv: Record<string, string> = {},
): Promise<{ code: number; output: string }> {
  const lines: string[] = [];
  const collect = (...parts: unknown[]) => {
    lines.push(parts.map(String).join(" "));
  };
  const spies = [
    vi.spyOn(console, "log").mockImplementation(collect),
    vi.spyOn(console, "warn").mockImplementation(collect),
    vi.spyOn(console, "error").mockImplementation(collect),
  ];
  try {
    const code = await runCli(args, { ...env, ...extraEnv });
    return { code, output: lines.join("\n") };
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
}

beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), "cadenza-cli-"));
  env = {
    NODE_ENV: "test",
    CADENZA_DB: join(folder, "cadenza.db"),
    CADENZA_API_KEY: API_KEY,
    CADENZA_SECRET: SECRET,
    DATABASE_URL: "",
    SMTP_URL: "",
    CADENZA_FAKE_CLOCK: "",
  };
});

afterAll(() => {
  rmSync(folder, { recursive: true, force: true });
});

describe("the cadenza command", () => {
  it("migrates the SQLite file, then finds nothing more to do", async () => {
    const first = await run(["migrate"]);
    expect(first.code, first.output).toBe(0);
    expect(first.output).toMatch(/migrated: sqlite .*cadenza\.db \(\d+ migrations? applied: 0001/);
    const again = await run(["migrate"]);
    expect(again.output).toMatch(/already current/);
  });

  it("imports a CSV file, reporting the bad row by its line, and audits clean", async () => {
    const result = await run(["import", CSV]);
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain("imported 50 of 51 rows (50 new, 0 updated, 0 duplicates, 1 invalid)");
    expect(result.output).toContain("line 25 email: Invalid email address");
    const audit = await run(["audit"]);
    expect(audit.code, audit.output).toBe(0);
    expect(audit.output).toContain("audit: no findings");
  });

  it("explains a bad configuration and a missing file, exiting 1", async () => {
    const badSecret = await run(["audit"], { CADENZA_SECRET: "short" });
    expect(badSecret.code).toBe(1);
    expect(badSecret.output).toContain("CADENZA_SECRET: must be at least 32 characters");
    const missing = await run(["import", join(folder, "nope.csv")]);
    expect(missing.code).toBe(1);
    expect(missing.output).toContain("Cannot read");
    const unknown = await run(["frobnicate"]);
    expect(unknown.code).toBe(1);
    expect(unknown.output).toContain("Unknown command: frobnicate");
  });

  it("exits 1 and names the check when the audit finds something", async () => {
    const file = join(folder, "audited.db");
    const engine = await createEngine(
      readHostEnv({ ...env, CADENZA_DB: file }),
      resolveSecrets(readHostEnv(env)),
      "http://localhost",
      { sends: false },
    );
    const campaign = await engine.cadenza.campaigns.create({
      name: "Audited",
      steps: [{ stepNumber: 1, variantA: { subject: "Hi", body: "Hello" } }],
    });
    await engine.close();
    expect((await run(["audit"], { CADENZA_DB: file })).code).toBe(0);

    const db = new Database(file);
    db.prepare("UPDATE campaigns SET leads_count = 7 WHERE id = ?").run(campaign.id);
    db.close();
    const audit = await run(["audit"], { CADENZA_DB: file });
    expect(audit.code).toBe(1);
    expect(audit.output).toContain("✗ invalid_lead_counts");
    expect(audit.output).toContain(campaign.id);
  });
});

describe("cadenza worker next to a web host with DISPATCH=off", () => {
  let host: RunningHost;
  beforeAll(async () => {
    host = await startHost(
      readHostEnv({ ...env, CADENZA_DB: join(folder, "shared.db"), PORT: "0", DISPATCH: "off" }),
      () => {},
    );
  });
  afterAll(async () => {
    await host?.close();
  });

  it("sends the due step from its own process, then stops gracefully on SIGTERM", async () => {
    const api = apiClient(host.url, API_KEY);
    const campaign = await api.post<{ campaign: { id: string } }>("/api/outreach/campaigns", {
      ...auditCampaignBody,
      // Any day, any hour: this test runs on the real clock.
      send_days: ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"],
      send_time_start: 0,
      send_time_end: 24,
    });
    const id = campaign.body.campaign.id;
    const csv =
      "email,first_name,hotel_name\nana@a.example,Ana,Sol\nbo@b.example,Bo,Mar\nce@c.example,Ce,Rio\n";
    const imported = await api.post<{ imported: number }>(`/api/prospects/import?campaign_id=${id}`, csv, {
      "content-type": "text/csv",
    });
    expect(imported.body.imported).toBe(3);
    await api.post(`/api/outreach/campaigns/${id}/activate`);

    const worker = await cadenza(
      ["worker"],
      {
        CADENZA_DB: join(folder, "shared.db"),
        SMTP_URL: host.engine.transport.catcher!.smtpUrl,
        PUBLIC_URL: host.url,
      },
      (output) => /dispatch: claimed 3, sent 3/.test(output),
    );
    expect(worker.code, worker.output).toBe(0);
    expect(worker.output).toContain("SIGTERM: finishing the batch in hand");
    expect(worker.output).toContain("worker stopped");

    const mail = await api.caughtMail();
    expect(mail.map((m) => m.envelope.to[0]).sort()).toEqual([
      "ana@a.example",
      "bo@b.example",
      "ce@c.example",
    ]);
    // The worker signed the links with the shared secret: the web host follows them.
    expect(await api.click(mail[0]!)).toEqual({ status: 302, location: "https://example.com/case-study" });
    const detail = await api.get<{ campaign: { emails_sent: number } }>(`/api/outreach/campaigns/${id}`);
    expect(detail.body.campaign.emails_sent).toBe(3);
  });
});
