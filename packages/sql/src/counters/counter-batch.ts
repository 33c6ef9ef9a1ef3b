import {
  AUDIT_COUNTER_COLUMNS,
  type CounterDelta,
  type LeadStatus,
  leadCountDeltas,
  STEP_COUNTER_FIELDS,
  type StepCounterField,
} from "@cadenza/core";
import { type Compilable, type ExpressionBuilder, sql } from "kysely";
import type { CounterColumns } from "../database.js";
import type { SqlContext } from "../sql-context.js";
import { COUNTER_COLUMN_NAMES, COUNTER_COLUMNS } from "./counter-columns.js";

type Sums = Map<string, number>;

/**
 * Every counter a transaction moves, summed per row, then written as atomic increments
 * (`column = column + delta`) in a fixed table and key order so concurrent transactions never
 * deadlock on each other's counter rows. Nothing is read back: counters are never recounted.
 */
export class CounterBatch {
  readonly #steps = new Map<
    string,
    { campaignId: string; stepNumber: number; variant: string; sums: Sums }
  >();
  readonly #days = new Map<string, { campaignId: string; day: string; sums: Sums }>();
  readonly #sequences = new Map<string, { campaignId: string; stepNumber: number; sums: Sums }>();
  readonly #campaigns = new Map<string, Sums>();
  readonly #statuses = new Map<string, { campaignId: string; status: string; by: number }>();

  /** Adds the engine's counter deltas (step/variant, audit columns, daily rows). */
  addDeltas(deltas: readonly CounterDelta[]): this {
    for (const d of deltas) {
      if (d.by === 0) continue;
      const column = COUNTER_COLUMNS[d.field];
      const stepKey = `${d.campaignId}\u0000${pad(d.stepNumber)}\u0000${d.variant}`;
      const step = getOrSet(this.#steps, stepKey, () => ({
        campaignId: d.campaignId,
        stepNumber: d.stepNumber,
        variant: d.variant,
        sums: new Map(),
      }));
      add(step.sums, column, d.by);
      const day = getOrSet(this.#days, `${d.campaignId}\u0000${d.day}`, () => ({
        campaignId: d.campaignId,
        day: d.day,
        sums: new Map(),
      }));
      add(day.sums, column, d.by);
      this.#addAuditColumns(d.campaignId, d.stepNumber, d.variant, d.field, d.by);
    }
    return this;
  }

  /** Adds a lead moving from `from` to `to` (`null`: created or deleted) to the lead-count columns. */
  addLeadTransition(campaignId: string, from: LeadStatus | null, to: LeadStatus | null, count = 1): this {
    if (from === to || count === 0) return this;
    const d = leadCountDeltas(from, to);
    const campaign = getOrSet(this.#campaigns, campaignId, () => new Map());
    add(campaign, "leads_count", d.leadsCount * count);
    add(campaign, "active_leads", d.activeLeads * count);
    add(campaign, "completed_leads", d.completedLeads * count);
    if (from !== null) this.#addStatus(campaignId, from, -count);
    if (to !== null) this.#addStatus(campaignId, to, count);
    return this;
  }

  /** Writes everything added, in one round trip on Postgres (see `writes`). */
  async flush(ctx: SqlContext): Promise<void> {
    await ctx.dialect.writeTogether(ctx.db, this.writes(ctx));
  }

  /**
   * The statements that write everything added, for the caller to run (or to send with its own):
   * one upsert or update per counter table (one per campaign and step for the audit columns), tables
   * in a fixed order.
   */
  writes({ db }: SqlContext): Compilable[] {
    const writes: Compilable[] = [];
    const steps = sortedValues(this.#steps).filter((s) => nonZero(s.sums));
    if (steps.length > 0) {
      writes.push(
        db
          .insertInto("step_variant_counters")
          .values(
            steps.map((s) => ({
              campaign_id: s.campaignId,
              step_number: s.stepNumber,
              variant: s.variant,
              ...counterValues(s.sums),
            })),
          )
          .onConflict((oc) =>
            oc
              .columns(["campaign_id", "step_number", "variant"])
              .doUpdateSet((eb) => increments(eb, "step_variant_counters")),
          ),
      );
    }
    for (const s of sortedValues(this.#sequences)) {
      if (!nonZero(s.sums)) continue;
      writes.push(
        db
          .updateTable("campaign_sequences")
          .set(plusSums(s.sums))
          .where("campaign_id", "=", s.campaignId)
          .where("step_number", "=", s.stepNumber),
      );
    }
    const days = sortedValues(this.#days).filter((d) => nonZero(d.sums));
    if (days.length > 0) {
      writes.push(
        db
          .insertInto("campaign_daily_counters")
          .values(days.map((d) => ({ campaign_id: d.campaignId, day: d.day, ...counterValues(d.sums) })))
          .onConflict((oc) =>
            oc.columns(["campaign_id", "day"]).doUpdateSet((eb) => increments(eb, "campaign_daily_counters")),
          ),
      );
    }
    const statuses = sortedValues(this.#statuses).filter((s) => s.by !== 0);
    if (statuses.length > 0) {
      writes.push(
        db
          .insertInto("campaign_lead_counts")
          .values(statuses.map((s) => ({ campaign_id: s.campaignId, status: s.status, leads: s.by })))
          .onConflict((oc) =>
            oc.columns(["campaign_id", "status"]).doUpdateSet((eb) => ({
              leads: eb(eb.ref("campaign_lead_counts.leads"), "+", eb.ref("excluded.leads")),
            })),
          ),
      );
    }
    for (const [campaignId, sums] of [...this.#campaigns].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (!nonZero(sums)) continue;
      writes.push(db.updateTable("campaigns").set(plusSums(sums)).where("id", "=", campaignId));
    }
    return writes;
  }

  #addAuditColumns(
    campaignId: string,
    stepNumber: number,
    variant: string,
    field: StepCounterField,
    by: number,
  ) {
    const columns = AUDIT_COUNTER_COLUMNS[field];
    const sequence = getOrSet(this.#sequences, `${campaignId}\u0000${pad(stepNumber)}`, () => ({
      campaignId,
      stepNumber,
      sums: new Map(),
    }));
    if (columns.step) add(sequence.sums, columns.step, by);
    const variantColumn = variant === "A" ? columns.variantA : variant === "B" ? columns.variantB : null;
    if (variantColumn) add(sequence.sums, variantColumn, by);
    if (columns.campaign)
      add(
        getOrSet(this.#campaigns, campaignId, () => new Map()),
        columns.campaign,
        by,
      );
  }

  #addStatus(campaignId: string, status: string, by: number) {
    getOrSet(this.#statuses, `${campaignId}\u0000${status}`, () => ({ campaignId, status, by: 0 })).by += by;
  }
}

/** `STEP_COUNTER_FIELDS` as columns with their summed deltas (0 for the untouched ones). */
function counterValues(sums: Sums): Record<keyof CounterColumns, number> {
  return Object.fromEntries(
    STEP_COUNTER_FIELDS.map((f) => [COUNTER_COLUMNS[f], sums.get(COUNTER_COLUMNS[f]) ?? 0]),
  ) as Record<keyof CounterColumns, number>;
}

type CounterTable = "step_variant_counters" | "campaign_daily_counters";

function increments<T extends CounterTable>(
  // biome-ignore lint/suspicious/noExplicitAny: the ON CONFLICT scope adds `excluded` to T's columns
  eb: ExpressionBuilder<any, any>,
  table: T,
) {
  return Object.fromEntries(
    COUNTER_COLUMN_NAMES.map((c) => [c, eb(eb.ref(`${table}.${c}`), "+", eb.ref(`excluded.${c}`))]),
  );
}

// Column names come from code (AUDIT_COUNTER_COLUMNS and the lead-count columns), never from input.
function plusSums(sums: Sums) {
  return Object.fromEntries(
    [...sums].filter(([, by]) => by !== 0).map(([column, by]) => [column, sql`${sql.ref(column)} + ${by}`]),
  );
}

function add(sums: Sums, column: string, by: number) {
  sums.set(column, (sums.get(column) ?? 0) + by);
}

function nonZero(sums: Sums): boolean {
  for (const v of sums.values()) if (v !== 0) return true;
  return false;
}

function getOrSet<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    map.set(key, value);
  }
  return value;
}

function sortedValues<V>(map: Map<string, V>): V[] {
  return [...map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);
}

function pad(n: number): string {
  return String(n).padStart(6, "0");
}
