import type { Prospect, ProspectFilter } from "@cadenza/core";
import { sql } from "kysely";
import { prospectFilterCondition } from "../prospect-filter.js";
import { readNumber } from "../read-values.js";
import { toProspect } from "../rows/prospect-rows.js";
import type { SqlContext } from "../sql-context.js";

/** Prospects by id, in the order asked (missing ids are left out). */
export async function getProspects({ db, dialect }: SqlContext, ids: readonly string[]): Promise<Prospect[]> {
  const wanted = [...new Set(ids)].filter((id) => dialect.isId(id));
  if (wanted.length === 0) return [];
  const rows = await db
    .selectFrom("prospects as p")
    .selectAll()
    .where(
      sql<boolean>`p.id in (select id from ${dialect.jsonRows(
        wanted.map((id) => ({ id })),
        { id: "id" },
      )} as ids)`,
    )
    .execute();
  const byId = new Map(rows.map((r) => [r.id, toProspect(r, dialect.values)]));
  return wanted.flatMap((id) => byId.get(id) ?? []);
}

/** Prospects matching a filter, by score (highest first) then email, with the total match count. */
export async function findProspects(
  { db, dialect }: SqlContext,
  filter: ProspectFilter,
  page: { limit: number; offset: number },
): Promise<{ total: number; rows: Prospect[] }> {
  const where = prospectFilterCondition(filter, dialect);
  const count = await db
    .selectFrom("prospects as p")
    .select((eb) => eb.fn.countAll().as("total"))
    .where(where)
    .executeTakeFirstOrThrow();
  const rows = await db
    .selectFrom("prospects as p")
    .selectAll()
    .where(where)
    .orderBy("p.score", "desc")
    .orderBy("p.email")
    .orderBy("p.id")
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  return { total: readNumber(count.total), rows: rows.map((r) => toProspect(r, dialect.values)) };
}
