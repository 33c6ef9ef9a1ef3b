import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Cadenza, CadenzaError, type Clock, createCadenza, type OutboundMessage } from "@cadenza/core";
import { cryptoRandom, uuidV7Ids } from "@cadenza/core/runtime";
import { type SqlStore, sqliteStore } from "@cadenza/sqlite";
import Database from "better-sqlite3";
import fc from "fast-check";
import type { ScenarioResult } from "../run/scenario-result.js";
import {
  campaignInputArb,
  csvArb,
  filterArb,
  inboundArb,
  templateArb,
  tokenArb,
} from "./hostile-input-arbitraries.js";

/** Row counts of every table of a SQLite file, read through a separate connection. */
function rowCounts(file: string): Record<string, number> {
  const db = new Database(file, { readonly: true });
  try {
    const tables = db
      .prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%'")
      .all() as { name: string }[];
    return Object.fromEntries(
      tables.map(({ name }) => [
        name,
        (db.prepare(`select count(*) as n from "${name}"`).get() as { n: number }).n,
      ]),
    );
  } finally {
    db.close();
  }
}

const TRACKING = { baseUrl: "https://t.sender.test/t", secrets: ["hostile-input-secret-0123456789abcdef"] };

/** An engine on a SQLite file with one campaign whose first step went out, so tokens and replies have targets. */
async function seededEngine(
  file: string,
): Promise<{ engine: Cadenza; store: SqlStore; tokens: string[]; messageIds: string[]; campaignId: string }> {
  const store = sqliteStore(file, { migrate: true });
  // A stopped clock inside the default send window: the harness imports nothing test-runner bound.
  const clock: Clock = { now: () => new Date("2030-03-04T10:00:00Z"), sleep: async () => undefined };
  const sent: OutboundMessage[] = [];
  const transport = {
    name: "accept-all",
    send: async (message: OutboundMessage) => {
      sent.push(message);
      return { status: "accepted" as const, response: "250 OK" };
    },
  };
  const engine = createCadenza({
    store,
    transport,
    clock,
    random: cryptoRandom(),
    ids: uuidV7Ids(clock),
    sender: { name: "Ana Lima", email: "ana@sender.test" },
    tracking: TRACKING,
    onError: () => undefined,
  });
  const campaign = await engine.campaigns.create({
    name: "Hostile",
    steps: [
      { stepNumber: 1, variantA: { subject: "Hi {{company}}", body: "See https://example.com/pricing" } },
    ],
  });
  await engine.prospects.upsert(
    Array.from({ length: 5 }, (_, i) => ({
      email: `gm${i}@hotel.example`,
      company: `Hotel ${i}`,
      tags: ["seed"],
    })),
  );
  await engine.audience.enroll(campaign.id, { filter: { tags: ["seed"] } });
  await engine.campaigns.activate(campaign.id);
  await engine.dispatch.tick();
  const text = sent.map((m) => `${m.html ?? ""} ${m.text} ${Object.values(m.headers).join(" ")}`).join(" ");
  const tokens = [...text.matchAll(/\/t\/[a-z]+\/([A-Za-z0-9_-]{16,})/g)].map((m) => m[1]!);
  return { engine, store, tokens, messageIds: sent.map((m) => m.messageId), campaignId: campaign.id };
}

/**
 * Fuzzes the real engine on SQLite with fast-check: campaign inputs, templates, CSV files, prospect
 * filters, tracking tokens and inbound messages. Every call either succeeds or throws a CadenzaError
 * — never a TypeError or any other crash — and a call that throws leaves every table's row count as
 * it was (no partial write). Tracking calls with bad tokens record nothing and never redirect to a
 * URL the email did not contain.
 */
export async function runHostileInput(runs: number): Promise<ScenarioResult> {
  const started = Date.now();
  const dir = mkdtempSync(join(tmpdir(), "cadenza-reliability-hostile-"));
  const file = join(dir, "hostile.db");
  const problems: string[] = [];
  let calls = 0;
  let typedErrors = 0;
  try {
    const { engine, store, tokens, messageIds, campaignId } = await seededEngine(file);
    const links = new Set(["https://example.com/pricing"]);

    /** Runs one call; a CadenzaError must leave the tables as they were, anything else is a crash. */
    const typed = async (label: string, call: () => Promise<unknown>): Promise<void> => {
      calls++;
      const before = rowCounts(file);
      try {
        await call();
      } catch (error) {
        if (!(error instanceof CadenzaError)) {
          throw new Error(`${label} threw ${(error as Error)?.name}: ${(error as Error)?.message}`);
        }
        typedErrors++;
        const after = rowCounts(file);
        const changed = Object.keys(after).filter((t) => after[t] !== before[t]);
        if (changed.length > 0)
          throw new Error(`${label} threw ${error.code} after writing to ${changed.join(", ")}`);
      }
    };

    const properties: [string, fc.IAsyncPropertyWithHooks<never> | fc.IAsyncProperty<never>][] = [];
    const property = <T>(name: string, arb: fc.Arbitrary<T>, run: (value: T) => Promise<void>) =>
      properties.push([name, fc.asyncProperty(arb, run) as unknown as fc.IAsyncProperty<never>]);

    property("campaign input", campaignInputArb, (input) =>
      typed("campaigns.create", () => engine.campaigns.create(input as never)),
    );
    property(
      "template strings",
      fc.tuple(templateArb, templateArb, fc.constantFrom("text", "html", "mjml")),
      ([subject, body, format]) =>
        typed("campaigns.create(template)", async () => {
          const created = await engine.campaigns.create({
            name: "T",
            steps: [{ stepNumber: 1, format, variantA: { subject, body } }],
          });
          await engine.campaigns.preview(created.id, 1);
        }),
    );
    property("CSV file", csvArb, (csv) =>
      typed("prospects.importCsv", () => engine.prospects.importCsv(csv)),
    );
    property("prospect filter", filterArb, (filter) =>
      typed("filters", async () => {
        await engine.prospects.find(filter as never);
        await engine.audience.preview(campaignId, filter as never);
        await engine.audience.enroll(campaignId, { filter: filter as never });
      }),
    );
    property("tracking token", tokenArb(tokens), (token) =>
      typed("tracking", async () => {
        const click = await engine.tracking.click({ token, userAgent: "Mozilla/5.0" });
        if (click.url !== null && !links.has(click.url)) throw new Error(`click redirected to ${click.url}`);
        await engine.tracking.open({ token });
        await engine.tracking.unsubscribe(token);
      }),
    );
    property("inbound message", inboundArb(messageIds), (message) =>
      typed("inbound.receive", () => engine.inbound.receive(message as never)),
    );

    for (const [name, prop] of properties) {
      const outcome = await fc.check(prop, { numRuns: runs, seed: 20301 + name.length });
      if (outcome.failed) {
        problems.push(
          `hostile-${name.replace(/ /g, "-")}: ${String((outcome.errorInstance as Error | undefined)?.message ?? "no error")} — counterexample ${JSON.stringify(outcome.counterexample)?.slice(0, 300)}`,
        );
      }
    }
    const audit = await store.audit();
    await store.close();
    return {
      scenario: "hostile-input-sqlite",
      leads: 5,
      kills: 0,
      duplicates: 0,
      unknown: 0,
      lost: 0,
      auditFindings: audit.length,
      details: `tokens=${tokens.length} replies_to=${messageIds.length} calls=${calls} typed_errors=${typedErrors} properties=${properties.length} runs_each=${runs}`,
      problems: [...problems, ...audit.map((f) => `audit: ${f.check}`)],
      failed: problems.length > 0 || audit.length > 0,
      seconds: Math.round((Date.now() - started) / 100) / 10,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
