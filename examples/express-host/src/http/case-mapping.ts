/**
 * The REST API speaks snake_case, the engine camelCase. Every translation between the two lives
 * here: request bodies in, records out, and the field paths of validation errors back to the names
 * the client sent.
 */
import {
  AUDIT_COUNTER_COLUMNS,
  CadenzaError,
  type Campaign,
  type CampaignCounters,
  ERROR_CODES,
  isCadenzaError,
  STEP_COUNTER_FIELDS,
  type Step,
} from "@cadenza/core";

type Path = (string | number)[];
type Json = Record<string, unknown>;

export const snakeToCamel = (key: string) => key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
/** `dailyLimit` → `daily_limit`; keys that are not camelCase identifiers (`A`, `List-Unsubscribe`) stay. */
export const camelToSnake = (key: string) =>
  /^[a-z][a-z0-9]*(?:[A-Z][a-z0-9]*)+$/.test(key) ? key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`) : key;

export function isRecord(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Object keys whose children are names chosen elsewhere (prospect attributes, mail headers): never renamed. */
const VERBATIM_KEYS = new Set(["attributes", "headers"]);

/** Renames a record's own keys to camelCase; values are left alone. Keys already in camelCase stay. */
function camelKeys(record: Json): Json {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [snakeToCamel(k), v]));
}

/** A value for the API: keys in snake_case at every depth, dates as ISO strings. */
export function toSnake(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(toSnake);
  if (!isRecord(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [camelToSnake(k), VERBATIM_KEYS.has(k) ? v : toSnake(v)]),
  );
}

/**
 * An engine field path in the client's words: `steps[0].variantA.subject` →
 * `sequences[0].variant_a_subject`, `dailyLimit` → `daily_limit`; attribute names stay as given.
 */
export function toApiPath(path: readonly (string | number)[]): Path {
  const out: Path = [];
  for (let i = 0; i < path.length; i++) {
    const segment = path[i]!;
    if (typeof segment === "number") out.push(segment);
    else if (segment === "steps") out.push("sequences");
    else if (
      (segment === "variantA" || segment === "variantB") &&
      (path[i + 1] === "subject" || path[i + 1] === "body")
    ) {
      out.push(`variant_${segment.slice(-1).toLowerCase()}_${path[i + 1]}`);
      i += 1;
    } else if (VERBATIM_KEYS.has(segment) && i + 1 < path.length) {
      out.push(segment, path[i + 1]!);
      i += 1;
    } else out.push(camelToSnake(segment));
  }
  return out;
}

/** The same error with its issue paths passed through `mapPath` (and its message rebuilt from them). */
export function withApiPaths(error: CadenzaError, mapPath: (path: Path) => Path = toApiPath): CadenzaError {
  if (error.issues.length === 0) return error;
  const issues = error.issues.map((issue) => ({ ...issue, path: mapPath(issue.path) }));
  const defaultMessage = error.message.startsWith(ERROR_CODES[error.code]);
  return new CadenzaError(error.code, {
    ...(defaultMessage ? {} : { message: error.message }),
    issues,
    details: error.details,
    cause: error,
  });
}

/** Runs an engine call, reporting validation paths in the API's words. */
export async function inApiTerms<T>(call: () => Promise<T>, mapPath?: (path: Path) => Path): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw isCadenzaError(error) ? withApiPaths(error, mapPath) : error;
  }
}

// Campaigns --------------------------------------------------------------------------------------

const present = (value: unknown) => value !== undefined && value !== null && value !== "";

/**
 * A step of the audit's `sequences[]` (`variant_a_subject`, …) as the engine's step. Variant B is kept
 * only when A/B testing is on, as the audit's API does.
 */
function stepFromBody(step: unknown, abTesting: boolean): unknown {
  if (!isRecord(step)) return step;
  const { variant_a_subject, variant_a_body, variant_b_subject, variant_b_body, ...rest } = step;
  const out = camelKeys(rest);
  if (!("variantA" in out)) out.variantA = { subject: variant_a_subject, body: variant_a_body };
  if (abTesting && !("variantB" in out) && (present(variant_b_subject) || present(variant_b_body))) {
    out.variantB = { subject: variant_b_subject ?? "", body: variant_b_body };
  }
  if (!abTesting) delete out.variantB;
  return out;
}

/** The audit's `POST /api/outreach/campaigns` body (or a PATCH of it) as the engine's campaign input. */
export function campaignFromBody(body: unknown, current?: Pick<Campaign, "abTestingEnabled">): unknown {
  if (!isRecord(body)) return body;
  const { sequences, ...settings } = body;
  const out = camelKeys(settings);
  const abTesting =
    out.abTestingEnabled === undefined ? (current?.abTestingEnabled ?? false) : out.abTestingEnabled === true;
  if (sequences !== undefined) {
    out.steps = Array.isArray(sequences) ? sequences.map((s) => stepFromBody(s, abTesting)) : sequences;
  }
  return out;
}

function stepToBody(step: Step, counters: CampaignCounters | null) {
  const { variantA, variantB, campaignId, ...rest } = step;
  const metrics: Json = {};
  if (counters) {
    for (const field of STEP_COUNTER_FIELDS) {
      const columns = AUDIT_COUNTER_COLUMNS[field];
      for (const row of counters.steps.filter((r) => r.stepNumber === step.stepNumber)) {
        const value = row[field];
        if (columns.step) metrics[columns.step] = ((metrics[columns.step] as number) ?? 0) + value;
        const variantColumn = row.variant === "A" ? columns.variantA : columns.variantB;
        if (variantColumn) metrics[variantColumn] = ((metrics[variantColumn] as number) ?? 0) + value;
      }
      for (const column of [columns.step, columns.variantA, columns.variantB])
        if (column) metrics[column] ??= 0;
    }
  }
  return {
    ...(toSnake({ ...rest, campaignId }) as Json),
    variant_a_subject: variantA.subject,
    variant_a_body: variantA.body,
    variant_b_subject: variantB?.subject ?? null,
    variant_b_body: variantB?.body ?? null,
    ...metrics,
  };
}

/**
 * A campaign as the API answers it: the audit's `campaigns` columns with `sequences[]` in the audit's
 * `campaign_sequences` shape, and — when counters are given — their metric columns.
 */
export function campaignToBody(campaign: Campaign, counters: CampaignCounters | null = null) {
  const { steps, ...rest } = campaign;
  const metrics = counters
    ? {
        emails_sent: counters.emailsSent,
        emails_opened: counters.emailsOpened,
        replies_received: counters.repliesReceived,
        leads_count: counters.leadsCount,
        active_leads: counters.activeLeads,
        completed_leads: counters.completedLeads,
      }
    : {};
  return {
    ...(toSnake(rest) as Json),
    type: "sequence",
    sequence_count: steps.length,
    ...metrics,
    sequences: steps.map((step) => stepToBody(step, counters)),
  };
}

// Prospects, filters, mailboxes ------------------------------------------------------------------

const PROSPECT_FIELDS = new Set([
  "email",
  "firstName",
  "lastName",
  "title",
  "company",
  "city",
  "country",
  "timezone",
  "tier",
  "stage",
  "source",
  "tags",
  "score",
  "archived",
  "attributes",
]);

/**
 * A prospect body as the engine's input. Fields other than the prospect's own (`hotel_name`, …) become
 * custom attributes, as unknown CSV columns do; `attributes` may also be given explicitly.
 */
export function prospectFromBody(body: unknown): unknown {
  if (!isRecord(body)) return body;
  const out: Json = {};
  const extra: Json = {};
  for (const [key, value] of Object.entries(body)) {
    const camel = snakeToCamel(key);
    if (PROSPECT_FIELDS.has(camel)) out[camel] = value;
    else extra[key] = value;
  }
  if (Object.keys(extra).length > 0)
    out.attributes = { ...extra, ...(isRecord(out.attributes) ? out.attributes : {}) };
  return out;
}

/** A prospect filter in snake_case or camelCase; `tags` may be one string. */
export function filterFromBody(body: unknown): unknown {
  if (!isRecord(body)) return body;
  const out = camelKeys(body);
  if (typeof out.tags === "string") out.tags = [out.tags];
  return out;
}

/** A mailbox body (`from_email`, `daily_cap`, …) as the engine's input. */
export function mailboxFromBody(body: unknown): unknown {
  if (!isRecord(body)) return body;
  const mailbox = camelKeys(body);
  // `ramp_up: { start_cap, increase_per_day, started_on }` is an object of its own.
  if (isRecord(mailbox.rampUp)) mailbox.rampUp = camelKeys(mailbox.rampUp);
  return mailbox;
}

/** Enrollment rules (`exclude_active_in_other_campaigns`, …) as the engine's input. */
export function rulesFromBody(body: unknown): unknown {
  return isRecord(body) ? camelKeys(body) : body;
}
