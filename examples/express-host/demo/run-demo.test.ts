import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";

const DEMO = fileURLToPath(new URL("./run-demo.ts", import.meta.url));
// Vite's module runner has no import.meta.resolve; require.resolve finds the same file.
const TSX = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;

function runDemo(): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--conditions=@cadenza/source", "--import", TSX, DEMO, "--exit"], {
      env: { ...process.env, PORT: "0" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once("error", reject);
    child.once("exit", (code) => resolve({ code, output }));
  });
}

describe("pnpm demo --exit", () => {
  it("plays two weeks of the audit's campaign over HTTP, prints the results and exits 0", async () => {
    const { code, output } = await runDemo();
    expect(output).toContain('Created campaign "Hotel GM Outreach Q4"');
    expect(output).toContain("Imported 50 of 51 prospects");
    expect(output).toContain("Enrolled 50 leads (0 skipped)");
    // Step 1 reaches everyone; later steps reach those who neither replied nor unsubscribed.
    const allRow = /^All\s+(\d+)\s+(\d+)\s+[\d.]+%\s+(\d+)\s+(\d+)\s+[\d.]+%\s+(\d+)/m.exec(output);
    expect(allRow, output).not.toBeNull();
    const [, sent, opens, clicks, replies, unsubscribes] = allRow!.map(Number);
    expect(unsubscribes).toBe(1);
    expect(replies).toBeGreaterThan(0);
    expect(opens).toBeGreaterThan(clicks!);
    const step1 = output.match(/^1\s+[AB]\s+(\d+)/gm)!.map((row) => Number(row.split(/\s+/)[2]));
    expect(step1.reduce((a, b) => a + b, 0)).toBe(50);
    const leads = /Leads: (.*)/.exec(output)![1]!;
    expect(leads).toContain(`${replies} replied`);
    expect(leads).toContain("1 unsubscribed");
    expect(sent).toBeGreaterThan(50);
    expect(output).toMatch(/Caught mail: {2}http:\/\/127\.0\.0\.1:\d+\/dev\/mail/);
    expect(output).toMatch(
      /Dashboard: {4}http:\/\/127\.0\.0\.1:\d+\/dashboard\/campaigns\/[0-9a-f-]{36}\?key=demo-/,
    );
    expect(code, output).toBe(0);
  });
});
