/** Sizes and switches of a run; every one has a default that keeps the whole suite under ten minutes. */
export interface BenchFlags {
  /** Due leads dispatched (and no-op jobs drained, and ceiling rows written) per dispatch benchmark. */
  leads: number;
  /** Engines dispatching at once in `dispatch-postgres-workers`. */
  workers: number;
  /** Prospects the enroll filter matches. */
  enroll: number;
  /** Emails rendered by the compiled renderer. */
  renderEmails: number;
  /** Emails compiled by `mjml` per email (it is two orders slower, so it gets fewer). */
  mjmlEmails: number;
  /** Requests per tracking measurement (a fixed count, so the server's record can be checked against it). */
  requests: number;
  /** Concurrent HTTP connections of the load generator. */
  connections: number;
  /** Sent emails whose tracking links the load spreads over. */
  trackedEmails: number;
  /** Leads dispatched by the `memory` benchmark. */
  largeLeads: number;
  /** Include the benchmarks that take long (`memory`) in a run without names. */
  large: boolean;
  /** The engine's `dispatch.batchSize`; `null` keeps the engine's default. */
  batchSize: number | null;
  /** The engine's `dispatch.batchesInFlight`; `null` keeps the engine's default. */
  batchesInFlight: number | null;
  /** Write a V8 CPU profile of every measured process to `bench/profiles/`. */
  profile: boolean;
  /** Count the Postgres statements of every measured Cadenza process and print them (diagnosis). */
  countQueries: boolean;
  /** Postgres server to create throwaway databases on. */
  databaseUrl: string;
  /** Where the JSON results go. */
  out: string;
}

/** The sizes a run without flags uses. */
export const DEFAULT_FLAGS: BenchFlags = {
  leads: 100_000,
  workers: 4,
  enroll: 100_000,
  renderEmails: 200_000,
  mjmlEmails: 1_000,
  requests: 30_000,
  connections: 32,
  trackedEmails: 1_000,
  largeLeads: 1_000_000,
  large: false,
  batchSize: null,
  batchesInFlight: null,
  profile: false,
  countQueries: false,
  databaseUrl: process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test",
  out: "results.json",
};

const NUMERIC: Record<string, keyof BenchFlags> = {
  leads: "leads",
  workers: "workers",
  enroll: "enroll",
  "render-emails": "renderEmails",
  "mjml-emails": "mjmlEmails",
  requests: "requests",
  connections: "connections",
  "tracked-emails": "trackedEmails",
  "large-leads": "largeLeads",
  "batch-size": "batchSize",
  "batches-in-flight": "batchesInFlight",
};

/** Command-line arguments split into benchmark names and flags (`--leads=50000` or `--leads 50000`). */
export function parseArgs(argv: string[]): { names: string[]; flags: BenchFlags; list: boolean } {
  const flags: BenchFlags = { ...DEFAULT_FLAGS };
  const names: string[] = [];
  let list = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") continue;
    if (!arg.startsWith("--")) {
      names.push(arg);
      continue;
    }
    const [key, inline] = arg.slice(2).split("=", 2) as [string, string | undefined];
    if (key === "large") flags.large = true;
    else if (key === "profile") flags.profile = true;
    else if (key === "count-queries") flags.countQueries = true;
    else if (key === "list") list = true;
    else if (key === "database-url" || key === "out") {
      const value = inline ?? argv[++i];
      if (!value) throw new Error(`--${key} needs a value`);
      if (key === "out") flags.out = value;
      else flags.databaseUrl = value;
    } else if (key in NUMERIC) {
      const raw = inline ?? argv[++i];
      const value = Number(raw?.replaceAll("_", ""));
      if (!Number.isFinite(value) || value <= 0) throw new Error(`--${key} needs a positive number`);
      (flags as unknown as Record<string, number>)[NUMERIC[key]!] = value;
    } else {
      throw new Error(`Unknown flag --${key}`);
    }
  }
  if (names.includes("memory")) flags.large = true;
  return { names, flags, list };
}
