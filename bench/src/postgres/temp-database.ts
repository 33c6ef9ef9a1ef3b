import pg from "pg";

/** A database created for one benchmark and dropped after it. */
export interface TempDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/**
 * Creates an empty database on the server of `serverUrl`, named for the benchmark and the moment, so
 * runs never see each other's rows.
 *
 * ```ts
 * const db = await createTempDatabase(flags.databaseUrl, "dispatch");
 * try { ... } finally { await db.drop(); }
 * ```
 */
export async function createTempDatabase(serverUrl: string, label: string): Promise<TempDatabase> {
  const name =
    `cadenza_bench_${label.replace(/[^a-z0-9]/gi, "_")}_${process.pid}_${Date.now()}`.toLowerCase();
  await admin(serverUrl, `CREATE DATABASE "${name}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: () => admin(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}

/** The server's version string, for the machine description. */
export async function serverVersion(serverUrl: string): Promise<string> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ server_version: string }>("SHOW server_version");
    return rows[0]!.server_version;
  } finally {
    await client.end();
  }
}

async function admin(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
