import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { seedCampaign } from "@cadenza/sql/testing";
import { afterAll, describe, expect, it } from "vitest";
import { sqliteStore } from "./sqlite-store.js";

const run = promisify(execFile);
const worker = fileURLToPath(new URL("./sqlite-process-worker.ts", import.meta.url));
const packageDir = fileURLToPath(new URL("..", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "cadenza-sqlite-processes-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("sqliteStore across processes", () => {
  it("never lets two processes claim one lead or pass the quota, and leaves a clean audit", async () => {
    const file = join(dir, "shared.db");
    const store = sqliteStore(file, { migrate: true });
    const { campaign, leadIds } = await seedCampaign(store, { leads: 60, steps: 1 });
    const barrier = mkdtempSync(join(dir, "barrier-"));
    const outputs = await Promise.all(
      [1, 2, 3, 4].map(() =>
        run(
          process.execPath,
          ["--conditions=@cadenza/source", "--import", "tsx", worker, file, campaign.id, "50", barrier, "4"],
          {
            cwd: packageDir, // where `tsx` resolves from
            timeout: 60_000,
          },
        ),
      ),
    );
    const perProcess = outputs.map((o) => JSON.parse(o.stdout) as string[]);
    const claimed = perProcess.flat();
    expect(new Set(claimed).size).toBe(claimed.length);
    expect(claimed).toHaveLength(50);
    expect(claimed.every((id) => leadIds.includes(id))).toBe(true);
    expect(await store.getQuotaUsage(`campaign:${campaign.id}`, "2030-03-04")).toBe(50);
    const counters = await store.getCounters(campaign.id);
    expect(counters).toMatchObject({ emailsSent: 50, completedLeads: 50, activeLeads: 10 });
    expect(await store.audit()).toEqual([]);
    await store.close();
  });
});
