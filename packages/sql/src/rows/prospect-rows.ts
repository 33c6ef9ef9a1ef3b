import type { AttributeValue, Prospect, ProspectUpsert, Tier } from "@cadenza/core";
import type { Insertable, Selectable } from "kysely";
import type { ProspectsTable } from "../database.js";
import { readBool, readNumber, readTime } from "../read-values.js";
import type { SqlValues } from "../sql-dialect.js";

/** A `prospects` row as a Prospect. */
export function toProspect(row: Selectable<ProspectsTable>, values: SqlValues): Prospect {
  return {
    id: row.id,
    email: row.email,
    firstName: row.first_name,
    lastName: row.last_name,
    title: row.title,
    company: row.company,
    city: row.city,
    country: row.country,
    timezone: row.timezone,
    tier: row.tier as Tier | null,
    stage: row.stage,
    source: row.source,
    tags: values.readTextArray(row.tags),
    score: readNumber(row.score),
    archived: readBool(row.archived),
    attributes: (values.readJson(row.attributes) ?? {}) as Record<string, AttributeValue>,
    createdAt: readTime(row.created_at),
    updatedAt: readTime(row.updated_at),
  };
}

/** The columns `toProspect` reads (every column but `search_text`), for statements that name them. */
export const PROSPECT_COLUMNS = Object.keys({
  id: true,
  email: true,
  first_name: true,
  last_name: true,
  title: true,
  company: true,
  city: true,
  country: true,
  timezone: true,
  tier: true,
  stage: true,
  source: true,
  tags: true,
  score: true,
  archived: true,
  attributes: true,
  created_at: true,
  updated_at: true,
} satisfies Record<Exclude<keyof ProspectsTable, "search_text">, true>) as Exclude<
  keyof ProspectsTable,
  "search_text"
>[];

/** The row an upserted prospect writes (`created_at` is kept by the update branch). */
export function prospectColumns(p: ProspectUpsert, now: Date, values: SqlValues): Insertable<ProspectsTable> {
  return {
    id: p.id,
    email: p.email.trim().toLowerCase(),
    first_name: p.firstName,
    last_name: p.lastName,
    title: p.title,
    company: p.company,
    city: p.city,
    country: p.country,
    timezone: p.timezone,
    tier: p.tier,
    stage: p.stage,
    source: p.source,
    search_text: prospectSearchText(p),
    tags: values.textArray(p.tags),
    score: p.score,
    archived: values.bool(p.archived),
    attributes: values.json(p.attributes),
    created_at: values.time(now),
    updated_at: values.time(now),
  };
}

/** Separates the searchable fields so a search never matches across two of them. */
export const SEARCH_FIELD_SEPARATOR = "\u001f";

/**
 * What a prospect search looks in: full name, company, email and city, lower-cased by JavaScript's
 * rules (the reference store's), so search behaves the same whatever the database's locale.
 */
export function prospectSearchText(p: {
  firstName: string | null;
  lastName: string | null;
  company: string | null;
  email: string | null;
  city: string | null;
}): string {
  const fullName = [p.firstName, p.lastName].filter(Boolean).join(" ");
  return [fullName, p.company, p.email, p.city]
    .map((field) => (field ?? "").toLowerCase())
    .join(SEARCH_FIELD_SEPARATOR);
}
