import { CadenzaError } from "@cadenza/core";
import { type Kysely, sql } from "kysely";
import type { CadenzaDatabase } from "../database.js";
import type { SqlDialect } from "../sql-dialect.js";

/** What `migrate()` did. */
export interface MigrateResult {
  /** Names of the migrations applied now, in order (empty when the schema was current). */
  applied: string[];
  /** The schema version the database is at afterwards. */
  version: number;
}

/**
 * Brings the database to the newest schema this code knows: each pending migration in its own
 * transaction, recorded in `cadenza_migrations`. Safe to run from several processes at once (the
 * dialect serializes migrators) and idempotent. Refuses (STORE_VERSION) a database migrated by a
 * newer version of Cadenza.
 */
export async function migrate(db: Kysely<CadenzaDatabase>, dialect: SqlDialect): Promise<MigrateResult> {
  return dialect.withMigrationLock(db, async (conn) => {
    await dialect.transaction(conn, (trx) => sql.raw(dialect.migrationsTable).execute(trx), {
      tableScope: true,
    });
    const applied: string[] = [];
    let version = 0;
    for (const migration of dialect.migrations) {
      const ran = await dialect.transaction(
        conn,
        async (trx) => {
          const current = await schemaVersion(trx);
          refuseNewer(current, dialect);
          if (current >= migration.id) return false;
          for (const statement of migration.statements) await sql.raw(statement).execute(trx);
          await trx
            .insertInto("cadenza_migrations")
            .values({ id: migration.id, name: migration.name, applied_at: dialect.values.time(new Date()) })
            .execute();
          return true;
        },
        { tableScope: true },
      );
      if (ran) applied.push(migration.name);
      version = migration.id;
    }
    const current = await schemaVersion(conn);
    refuseNewer(current, dialect);
    return { applied, version: Math.max(version, current) };
  });
}

/**
 * Checks, without changing anything, that the database is at exactly the schema this code knows:
 * STORE_VERSION when it is newer, STORE_ERROR (asking for `migrate()`) when it is older or empty.
 */
export async function checkSchema(db: Kysely<CadenzaDatabase>, dialect: SqlDialect): Promise<void> {
  let current: number;
  try {
    current = await schemaVersion(db);
  } catch (error) {
    const mapped = dialect.mapError(error);
    if (mapped instanceof CadenzaError) throw mapped;
    throw notMigrated(dialect, 0, error);
  }
  refuseNewer(current, dialect);
  if (current < latestKnown(dialect)) throw notMigrated(dialect, current);
}

async function schemaVersion(db: Kysely<CadenzaDatabase>): Promise<number> {
  const row = await db
    .selectFrom("cadenza_migrations")
    .select((eb) => eb.fn.max("id").as("version"))
    .executeTakeFirst();
  return Number(row?.version ?? 0);
}

function latestKnown(dialect: SqlDialect): number {
  return dialect.migrations.reduce((max, m) => Math.max(max, m.id), 0);
}

function refuseNewer(current: number, dialect: SqlDialect): void {
  const known = latestKnown(dialect);
  if (current <= known) return;
  throw new CadenzaError("STORE_VERSION", {
    message: `The ${dialect.name} database ${dialect.location} is at schema version ${current}, newer than this version of Cadenza knows (${known}); upgrade Cadenza`,
    details: { location: dialect.location, version: current, known },
  });
}

function notMigrated(dialect: SqlDialect, current: number, cause?: unknown): CadenzaError {
  return new CadenzaError("STORE_ERROR", {
    message: `The ${dialect.name} database ${dialect.location} is at schema version ${current} of ${latestKnown(dialect)}; call migrate() or create the store with { migrate: true }`,
    details: { location: dialect.location, version: current },
    cause,
  });
}
