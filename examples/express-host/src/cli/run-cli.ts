import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { isCadenzaError } from "@cadenza/core";
import { createEngine, type HostEngine } from "../config/create-engine.js";
import { resolveSecrets } from "../config/dev-secrets.js";
import { ConfigError, type HostEnv, readHostEnv } from "../config/host-config.js";
import { formatDispatchReport } from "../host/start-host.js";
import { progressBar } from "./progress-bar.js";

const USAGE = `Usage: cadenza <command> [options]

Commands:
  migrate                          apply pending store migrations
  worker                           run the dispatcher until SIGINT or SIGTERM
  audit                            run the store's integrity checks; exit 1 on findings
  import <file.csv> [--campaign <id>] [--delimiter , | ; | tab]
                                   import prospects, optionally enrolling them

Configuration comes from the same environment variables as the web host (CADENZA_DB, DATABASE_URL,
SMTP_URL, CADENZA_SECRET, PUBLIC_URL, SENDER_EMAIL, …).`;

/** A command's failure that is the user's to fix: printed without a stack, exit code 1. */
class UsageError extends Error {}

async function withEngine<T>(
  env: HostEnv,
  sends: boolean,
  run: (engine: HostEngine) => Promise<T>,
): Promise<T> {
  const publicUrl = env.PUBLIC_URL ?? `http://localhost:${env.PORT}`;
  const engine = await createEngine(env, resolveSecrets(env), publicUrl, { sends });
  try {
    return await run(engine);
  } finally {
    await engine.close();
  }
}

async function migrate(env: HostEnv): Promise<number> {
  return withEngine(env, false, async (engine) => {
    const applied = await engine.store.migrate();
    console.log(
      applied.length === 0
        ? `migrated: ${engine.store.description} (already current)`
        : `migrated: ${engine.store.description} (${applied.length} migration${applied.length === 1 ? "" : "s"} applied: ${applied.join(", ")})`,
    );
    return 0;
  });
}

async function worker(env: HostEnv): Promise<number> {
  if (env.CADENZA_FAKE_CLOCK) {
    throw new UsageError(
      "CADENZA_FAKE_CLOCK is for the web host only (its clock moves through POST /api/dev/clock); unset it for the worker.",
    );
  }
  if (!env.PUBLIC_URL) {
    console.warn(`PUBLIC_URL is not set: links in sent mail will point to http://localhost:${env.PORT}`);
  }
  return withEngine(env, true, async (engine) => {
    console.log(`worker: ${engine.store.description}, sending through ${engine.transport.description}`);
    const running = engine.cadenza.dispatch.start({
      onTick: (report) => {
        if (report.claimed > 0)
          console.log(`${engine.cadenza.clock.now().toISOString()} ${formatDispatchReport(report)}`);
      },
      onError: (error) => console.error(`dispatch failed: ${error.message}`),
    });
    await new Promise<void>((resolve) => {
      const stop = (signal: string) => {
        console.log(`${signal}: finishing the batch in hand…`);
        resolve();
      };
      process.once("SIGINT", () => stop("SIGINT"));
      process.once("SIGTERM", () => stop("SIGTERM"));
    });
    await running.stop();
    console.log("worker stopped");
    return 0;
  });
}

async function audit(env: HostEnv): Promise<number> {
  return withEngine(env, false, async (engine) => {
    const findings = await engine.cadenza.audit();
    if (findings.length === 0) {
      console.log(`audit: no findings (${engine.store.description})`);
      return 0;
    }
    for (const finding of findings) {
      console.log(`✗ ${finding.check}: ${finding.description} (${finding.rows.length} rows)`);
      for (const row of finding.rows.slice(0, 5)) console.log(`    ${JSON.stringify(row)}`);
      if (finding.rows.length > 5) console.log(`    … and ${finding.rows.length - 5} more`);
    }
    console.log(`audit: ${findings.length} check(s) failed`);
    return 1;
  });
}

async function importCsv(env: HostEnv, args: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: { campaign: { type: "string" }, delimiter: { type: "string" } },
  });
  const file = positionals[0];
  if (!file || positionals.length > 1)
    throw new UsageError("Usage: cadenza import <file.csv> [--campaign <id>]");
  const delimiter = values.delimiter === "tab" ? "\t" : values.delimiter;
  if (delimiter !== undefined && ![",", ";", "\t"].includes(delimiter)) {
    throw new UsageError("--delimiter is one of , ; tab");
  }
  const text = await readFile(file).catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(`Cannot read ${file}: ${error.code ?? error.message}`);
  });
  return withEngine(env, false, async (engine) => {
    const bar = progressBar(process.stderr);
    const result = await engine.cadenza.prospects
      .importCsv(text, {
        onProgress: bar.update,
        ...(values.campaign ? { campaignId: values.campaign } : {}),
        ...(delimiter ? { delimiter: delimiter as "," | ";" | "\t" } : {}),
      })
      .finally(() => bar.done());
    console.log(
      `imported ${result.imported} of ${result.total} rows (${result.created} new, ${result.updated} updated, ${result.duplicates} duplicates, ${result.invalid.length} invalid)`,
    );
    for (const error of result.invalid) {
      console.log(`  line ${error.row}${error.field ? ` ${error.field}` : ""}: ${error.reason}`);
    }
    if (result.enrolled) {
      console.log(
        `enrolled ${result.enrolled.added} in campaign ${values.campaign}, skipped ${result.enrolled.skipped}`,
      );
    }
    return 0;
  });
}

/** Runs one command with the given arguments and environment; answers the exit code. */
export async function runCli(argv: string[], source: Record<string, string | undefined>): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === "help" || command === "--help" || command === "-h") {
    console.log(USAGE);
    return command === undefined ? 1 : 0;
  }
  try {
    const env = readHostEnv(source);
    switch (command) {
      case "migrate":
        return await migrate(env);
      case "worker":
        return await worker(env);
      case "audit":
        return await audit(env);
      case "import":
        return await importCsv(env, rest);
      default:
        console.error(`Unknown command: ${command}\n\n${USAGE}`);
        return 1;
    }
  } catch (error) {
    if (error instanceof UsageError || error instanceof ConfigError) console.error(error.message);
    else if (isCadenzaError(error)) console.error(`${error.code}: ${error.message}`);
    else console.error(error);
    return 1;
  }
}
