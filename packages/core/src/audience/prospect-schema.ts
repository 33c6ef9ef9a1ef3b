import { z } from "zod";
import { timeZoneSchema } from "../campaign/campaign-schema.js";

export const TIERS = ["hot", "warm", "cold"] as const;
export const tierSchema = z.enum(TIERS);
export type Tier = z.infer<typeof tierSchema>;

/** A custom attribute value: what a template can print. */
export const attributeValueSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);
export type AttributeValue = z.infer<typeof attributeValueSchema>;

/** Lower-cased, trimmed email address; the key prospects are upserted by. */
export const emailAddressSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(254)
  .pipe(z.email({ message: "Invalid email address" }));

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .nullish()
    .transform((v) => (v === "" || v === undefined ? null : v));

/**
 * A prospect as imported through the API or CSV. `attributes` holds anything else a template may
 * use (`{{hotel_name}}`).
 */
export const prospectInputSchema = z.object({
  email: emailAddressSchema,
  firstName: optionalText(200),
  lastName: optionalText(200),
  title: optionalText(200),
  company: optionalText(300),
  city: optionalText(200),
  country: optionalText(200),
  timezone: timeZoneSchema.nullish().transform((v) => v ?? null),
  tier: tierSchema.nullish().transform((v) => v ?? null),
  stage: optionalText(100),
  source: optionalText(100),
  tags: z.array(z.string().trim().min(1).max(100)).max(100).default([]),
  score: z.number().finite().default(0),
  archived: z.boolean().default(false),
  attributes: z
    .record(
      z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, "Attribute names are letters, digits and _"),
      attributeValueSchema,
    )
    .default({}),
});
export type ProspectInput = z.input<typeof prospectInputSchema>;
export type ProspectData = z.output<typeof prospectInputSchema>;

const oneOrMany = <T extends z.ZodType>(schema: T) =>
  z.union([schema, z.array(schema).min(1)]).transform((v) => (Array.isArray(v) ? v : [v]) as z.output<T>[]);

/**
 * Which prospects an audience holds: the audit's `ProspectFilters`, composable. All given criteria
 * must hold.
 */
export const prospectFilterSchema = z
  .object({
    tier: oneOrMany(tierSchema).optional(),
    stage: oneOrMany(z.string().min(1).max(100)).optional(),
    source: oneOrMany(z.string().min(1).max(100)).optional(),
    /** Tags the prospect must carry. */
    tags: z.array(z.string().min(1).max(100)).max(50).optional(),
    /** `all` (default): every tag; `any`: at least one. */
    tagsMatch: z.enum(["all", "any"]).default("all"),
    /** Case-insensitive text searched in name, company, email and city. Treated as data, never as a pattern. */
    search: z.string().trim().max(200).optional(),
    minScore: z.number().finite().optional(),
    hasEmail: z.boolean().optional(),
    /** Archived prospects are excluded unless this is true. */
    archived: z.boolean().default(false),
    /** Restrict to these prospect ids. */
    ids: z.array(z.string().min(1)).max(100_000).optional(),
  })
  .strict();
export type ProspectFilterInput = z.input<typeof prospectFilterSchema>;
export type ProspectFilter = z.output<typeof prospectFilterSchema>;
