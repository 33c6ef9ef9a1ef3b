import type { ProspectFilter } from "@cadenza/core";
import { type RawBuilder, sql } from "kysely";
import type { SqlDialect } from "./sql-dialect.js";

/**
 * The WHERE condition of a prospect filter, over the `prospects` table aliased `alias`: the same rows
 * as the reference `matchesFilter` of `@cadenza/core/testing`. Every value is bound; the search text
 * is matched literally (`%`, `_` and `\` escaped).
 */
export function prospectFilterCondition(
  filter: ProspectFilter,
  dialect: SqlDialect,
  alias = "p",
): RawBuilder<boolean> {
  const col = (name: string) => sql.ref(`${alias}.${name}`);
  const conditions: RawBuilder<unknown>[] = [];
  const oneOf = (name: string, list: readonly string[] | undefined) => {
    if (list && list.length > 0) conditions.push(sql`${col(name)} in (${sql.join(list)})`);
  };
  oneOf("tier", filter.tier);
  oneOf("stage", filter.stage);
  oneOf("source", filter.source);
  if (filter.tags && filter.tags.length > 0) {
    conditions.push(dialect.tagsMatch(col("tags"), filter.tags, filter.tagsMatch));
  }
  const search = filter.search?.trim().toLowerCase();
  if (search) {
    // Both sides are lower-cased by JavaScript, so a plain LIKE is case-insensitive in any language.
    const pattern = `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    conditions.push(sql`${col("search_text")} like ${pattern} escape '\\'`);
  }
  if (filter.minScore !== undefined) conditions.push(sql`${col("score")} >= ${filter.minScore}`);
  if (filter.hasEmail === true) conditions.push(sql`(${col("email")} is not null and ${col("email")} <> '')`);
  if (filter.hasEmail === false) conditions.push(sql`(${col("email")} is null or ${col("email")} = '')`);
  conditions.push(sql`${col("archived")} = ${dialect.values.bool(filter.archived)}`);
  if (filter.ids) {
    const ids = [...new Set(filter.ids)].filter((id) => dialect.isId(id)).map((id) => ({ id }));
    conditions.push(
      ids.length === 0
        ? sql`1 = 0`
        : sql`${col("id")} in (select id from ${dialect.jsonRows(ids, { id: "id" })} as ids)`,
    );
  }
  return conditions.length === 0 ? sql<boolean>`1 = 1` : sql<boolean>`(${sql.join(conditions, sql` and `)})`;
}
