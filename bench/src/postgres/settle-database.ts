import pg from "pg";

/**
 * Brings a freshly seeded database to the state a running one is in before a measurement: statistics
 * gathered and dirty pages flushed, so no phase pays for the previous phase's writes. Every phase —
 * Cadenza's and the references' — is settled the same way.
 */
export async function settleDatabase(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("VACUUM ANALYZE");
    await client.query("CHECKPOINT");
  } finally {
    await client.end();
  }
}
