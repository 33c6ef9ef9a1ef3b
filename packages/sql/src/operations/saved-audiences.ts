import type { EnrollmentRules, ProspectFilter, SavedAudience } from "@cadenza/core";
import type { Selectable } from "kysely";
import type { SavedAudiencesTable } from "../database.js";
import { readTime } from "../read-values.js";
import type { SqlContext } from "../sql-context.js";
import type { SqlValues } from "../sql-dialect.js";

function toSavedAudience(row: Selectable<SavedAudiencesTable>, values: SqlValues): SavedAudience {
  return {
    id: row.id,
    name: row.name,
    filter: values.readJson(row.filter) as ProspectFilter,
    rules: values.readJson(row.rules) as EnrollmentRules,
    createdAt: readTime(row.created_at),
    updatedAt: readTime(row.updated_at),
  };
}

/** Inserts or replaces a saved audience by id. */
export async function saveAudience(
  { db, dialect }: SqlContext,
  audience: SavedAudience,
): Promise<SavedAudience> {
  const { values } = dialect;
  const columns = {
    id: audience.id,
    name: audience.name,
    filter: values.json(audience.filter),
    rules: values.json(audience.rules),
    created_at: values.time(audience.createdAt),
    updated_at: values.time(audience.updatedAt),
  };
  const row = await dialect.transaction(db, (trx) =>
    trx
      .insertInto("saved_audiences")
      .values(columns)
      .onConflict((oc) =>
        oc.column("id").doUpdateSet({
          name: columns.name,
          filter: columns.filter,
          rules: columns.rules,
          updated_at: columns.updated_at,
        }),
      )
      .returningAll()
      .executeTakeFirstOrThrow(),
  );
  return toSavedAudience(row, values);
}

export async function getAudience({ db, dialect }: SqlContext, id: string): Promise<SavedAudience | null> {
  if (!dialect.isId(id)) return null;
  const row = await db.selectFrom("saved_audiences").selectAll().where("id", "=", id).executeTakeFirst();
  return row ? toSavedAudience(row, dialect.values) : null;
}

/** Saved audiences by name (code-point order), then id. */
export async function listAudiences({ db, dialect }: SqlContext): Promise<SavedAudience[]> {
  const rows = await db.selectFrom("saved_audiences").selectAll().execute();
  return rows
    .map((r) => toSavedAudience(r, dialect.values))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.id < b.id ? -1 : 1));
}

export async function deleteAudience({ db, dialect }: SqlContext, id: string): Promise<void> {
  if (!dialect.isId(id)) return;
  await dialect.transaction(db, (trx) => trx.deleteFrom("saved_audiences").where("id", "=", id).execute());
}
