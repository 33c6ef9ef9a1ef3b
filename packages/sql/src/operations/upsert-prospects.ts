import { CadenzaError, type ProspectUpsert, type UpsertedProspect } from "@cadenza/core";
import { chunk } from "../read-values.js";
import { prospectColumns } from "../rows/prospect-rows.js";
import { inTransaction, type SqlContext } from "../sql-context.js";

// 18 columns a row: well under SQLite's 32 766 and Postgres's 65 535 bound parameters.
const ROWS_PER_STATEMENT = 500;

/**
 * Inserts or updates prospects keyed by lower-case email, all in one transaction. An existing
 * prospect keeps its id and creation time; every other field takes the new value. An address given
 * twice in one batch is a CONFLICT (nothing is written).
 */
export function upsertProspects(
  ctx: SqlContext,
  prospects: readonly ProspectUpsert[],
  now: Date,
): Promise<UpsertedProspect[]> {
  const byEmail = new Map<string, ProspectUpsert>();
  for (const p of prospects) {
    const email = p.email.trim().toLowerCase();
    if (byEmail.has(email)) {
      throw new CadenzaError("CONFLICT", {
        message: `Duplicate email ${email} in one batch`,
        details: { email },
      });
    }
    byEmail.set(email, p);
  }
  if (byEmail.size === 0) return Promise.resolve([]);
  return inTransaction(ctx, async ({ db, dialect }) => {
    const out: UpsertedProspect[] = [];
    for (const part of chunk([...byEmail.values()], ROWS_PER_STATEMENT)) {
      const rows = await db
        .insertInto("prospects")
        .values(part.map((p) => prospectColumns(p, now, dialect.values)))
        .onConflict((oc) =>
          oc.column("email").doUpdateSet((eb) => ({
            first_name: eb.ref("excluded.first_name"),
            last_name: eb.ref("excluded.last_name"),
            title: eb.ref("excluded.title"),
            company: eb.ref("excluded.company"),
            city: eb.ref("excluded.city"),
            country: eb.ref("excluded.country"),
            timezone: eb.ref("excluded.timezone"),
            tier: eb.ref("excluded.tier"),
            stage: eb.ref("excluded.stage"),
            source: eb.ref("excluded.source"),
            search_text: eb.ref("excluded.search_text"),
            tags: eb.ref("excluded.tags"),
            score: eb.ref("excluded.score"),
            archived: eb.ref("excluded.archived"),
            attributes: eb.ref("excluded.attributes"),
            updated_at: eb.ref("excluded.updated_at"),
          })),
        )
        .returning(["id", "email"])
        .execute();
      const idByEmail = new Map(rows.map((r) => [r.email, r.id]));
      for (const p of part) {
        const email = p.email.trim().toLowerCase();
        const id = idByEmail.get(email) ?? p.id;
        // The upsert returns the proposed id only when it inserted: a conflict keeps the stored one.
        out.push({ id, email, created: id === p.id });
      }
    }
    return out;
  });
}
