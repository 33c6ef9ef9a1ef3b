import { type CsvError, parse } from "csv-parse/sync";
import { z } from "zod";
import type { EngineContext } from "../engine-context.js";
import { CadenzaError, formatPath, parseInput } from "../errors.js";
import type { EnrollResult, ProspectUpsert } from "../ports.js";
import { enroll } from "./audience-operations.js";
import { type ProspectData, type ProspectInput, prospectInputSchema } from "./prospect-schema.js";

/** Prospect fields a CSV column can fill; anything else becomes a custom attribute. */
const FIELD_ALIASES: Record<string, Exclude<keyof ProspectInput, "attributes">> = {
  email: "email",
  e_mail: "email",
  email_address: "email",
  contact_email: "email",
  first_name: "firstName",
  firstname: "firstName",
  given_name: "firstName",
  last_name: "lastName",
  lastname: "lastName",
  surname: "lastName",
  family_name: "lastName",
  title: "title",
  job_title: "title",
  company: "company",
  company_name: "company",
  organization: "company",
  city: "city",
  country: "country",
  timezone: "timezone",
  time_zone: "timezone",
  tier: "tier",
  stage: "stage",
  source: "source",
  tags: "tags",
  score: "score",
  archived: "archived",
};

/** Where a column goes: a prospect field, `attributes.<name>`, or `null` to ignore it. */
export type CsvColumnTarget = keyof Omit<ProspectInput, "attributes"> | `attributes.${string}` | null;

export const csvImportOptionsSchema = z.object({
  /** Column header → target. Unlisted headers are matched by name (`first_name`, `E-mail`, …), else kept as attributes. */
  mapping: z.record(z.string(), z.string().nullable()).default({}),
  /** Field delimiter; detected from the header line (`,` `;` or tab) when omitted. */
  delimiter: z.enum([",", ";", "\t"]).optional(),
  /** Rows upserted per store call (each call is all-or-nothing). */
  batchSize: z.number().int().min(1).max(5_000).default(500),
  /** Enroll the imported prospects into this campaign afterwards (`addedBy: "import"`). */
  campaignId: z.string().min(1).optional(),
});
export type CsvImportOptions = z.input<typeof csvImportOptionsSchema> & {
  /** Called after every batch, for progress bars. */
  onProgress?: (progress: CsvImportProgress) => void;
};

export interface CsvImportProgress {
  /** Data rows processed so far (valid or not). */
  processed: number;
  /** Data rows in the file. */
  total: number;
  imported: number;
  invalid: number;
}

/** A row that was not imported, with its line in the file (the header is line 1). */
export interface CsvRowError {
  row: number;
  field: string | null;
  reason: string;
}

export interface CsvImportResult {
  total: number;
  imported: number;
  created: number;
  updated: number;
  /** Rows whose email appeared again later in the file: the later row wins. */
  duplicates: number;
  invalid: CsvRowError[];
  /** Prospect ids imported, in file order (duplicates once). */
  prospectIds: string[];
  enrolled: EnrollResult | null;
}

function normalizeHeader(header: string): string {
  return header
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");
}

/** The delimiter that splits the header line most often (`,` when none does). */
function detectDelimiter(text: string): "," | ";" | "\t" {
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  let best: "," | ";" | "\t" = ",";
  let bestCount = 0;
  for (const delimiter of [",", ";", "\t"] as const) {
    const count = firstLine.split(delimiter).length - 1;
    if (count > bestCount) {
      best = delimiter;
      bestCount = count;
    }
  }
  return best;
}

function targetFor(header: string, mapping: Record<string, string | null>): CsvColumnTarget {
  if (header in mapping) return mapping[header] as CsvColumnTarget;
  const key = normalizeHeader(header);
  if (key === "") return null;
  return FIELD_ALIASES[key] ?? `attributes.${/^[a-z_]/.test(key) ? key : `_${key}`}`;
}

function toRowInput(targets: CsvColumnTarget[], cells: string[]): Record<string, unknown> {
  const row: Record<string, unknown> = { attributes: {} as Record<string, string> };
  targets.forEach((target, i) => {
    if (target === null) return;
    const raw = (cells[i] ?? "").trim();
    if (target.startsWith("attributes.")) {
      if (raw !== "") (row.attributes as Record<string, string>)[target.slice("attributes.".length)] = raw;
      return;
    }
    if (raw === "") return;
    if (target === "tags")
      row.tags = raw
        .split(/[|;,]/)
        .map((t) => t.trim())
        .filter(Boolean);
    else if (target === "score") row.score = Number(raw);
    else if (target === "archived") row.archived = ["true", "yes", "1", "y"].includes(raw.toLowerCase());
    else if (target === "tier") row.tier = raw.toLowerCase();
    else row[target] = raw;
  });
  return row;
}

function parseCsv(text: string, delimiter: string): { lines: number; cells: string[] }[] {
  try {
    const records = parse(text, {
      bom: true,
      delimiter,
      relax_column_count: true,
      skip_empty_lines: true,
      info: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];
    return records.map((r) => ({ lines: r.info.lines, cells: r.record }));
  } catch (error) {
    const csvError = error as CsvError & { lines?: number };
    throw new CadenzaError("CSV_INVALID", {
      message: `The CSV could not be read${csvError.lines ? ` near line ${csvError.lines}` : ""}: ${csvError.message}`,
      issues: [{ path: ["csv"], message: csvError.message, code: csvError.code ?? "csv" }],
      cause: error,
    });
  }
}

/**
 * Imports prospects from CSV text (quoted fields, a BOM, `,` `;` or tab). Columns map to prospect
 * fields by name or by `mapping`; the rest become custom attributes. Invalid rows are reported with
 * their line and reason and the valid ones imported, in all-or-nothing batches upserted by email.
 *
 * ```ts
 * const result = await cadenza.prospects.importCsv(csvText, { onProgress: (p) => bar.update(p.processed / p.total) });
 * result.invalid; // [{ row: 7, field: "email", reason: "Invalid email address" }]
 * ```
 */
export async function importProspectsCsv(
  ctx: EngineContext,
  csv: string | Uint8Array,
  options: CsvImportOptions = {},
): Promise<CsvImportResult> {
  const { onProgress, ...rest } = options;
  const settings = parseInput(csvImportOptionsSchema, rest, ["options"]);
  const text = typeof csv === "string" ? csv : new TextDecoder("utf-8").decode(csv);
  const delimiter = settings.delimiter ?? detectDelimiter(text.replace(/^\uFEFF/, ""));
  const rows = parseCsv(text, delimiter);
  const [header, ...data] = rows;
  if (!header)
    throw new CadenzaError("CSV_INVALID", {
      message: "The CSV is empty",
      issues: [{ path: ["csv"], message: "No header row", code: "empty" }],
    });
  const headers = header.cells.map((h) => h.trim());
  const targets = headers.map((h) => targetFor(h, settings.mapping));
  if (!targets.includes("email")) {
    throw new CadenzaError("CSV_INVALID", {
      message: "The CSV has no email column",
      issues: [
        {
          path: ["csv", "header"],
          message: `No column maps to email (headers: ${headers.join(", ")})`,
          code: "missing_email_column",
        },
      ],
    });
  }

  const invalid: CsvRowError[] = [];
  const valid = new Map<string, { row: number; data: ProspectData }>();
  let duplicates = 0;
  for (const { lines, cells } of data) {
    const parsed = prospectInputSchema.safeParse(toRowInput(targets, cells));
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      invalid.push({
        row: lines,
        field: issue.path.length ? formatPath(issue.path as (string | number)[]) : null,
        reason: issue.message,
      });
      continue;
    }
    if (valid.has(parsed.data.email)) {
      duplicates += 1;
      valid.delete(parsed.data.email);
    }
    valid.set(parsed.data.email, { row: lines, data: parsed.data });
  }

  const result: CsvImportResult = {
    total: data.length,
    imported: 0,
    created: 0,
    updated: 0,
    duplicates,
    invalid,
    prospectIds: [],
    enrolled: null,
  };
  const entries = [...valid.values()];
  const now = ctx.clock.now();
  for (let start = 0; start < entries.length; start += settings.batchSize) {
    const batch: ProspectUpsert[] = entries
      .slice(start, start + settings.batchSize)
      .map((e) => ({ ...e.data, id: ctx.ids.id() }));
    const upserted = await ctx.store.upsertProspects(batch, now);
    for (const u of upserted) {
      result.prospectIds.push(u.id);
      if (u.created) result.created += 1;
      else result.updated += 1;
    }
    result.imported += upserted.length;
    // Invalid and superseded rows were settled while validating; the rest as their batch lands.
    const processed = invalid.length + duplicates + start + batch.length;
    onProgress?.({ processed, total: data.length, imported: result.imported, invalid: invalid.length });
  }
  if (entries.length === 0)
    onProgress?.({ processed: data.length, total: data.length, imported: 0, invalid: invalid.length });
  if (settings.campaignId && result.prospectIds.length > 0) {
    result.enrolled = await enroll(ctx, settings.campaignId, {
      prospectIds: result.prospectIds,
      addedBy: "import",
    });
  }
  return result;
}
