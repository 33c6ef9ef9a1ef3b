import { STEP_COUNTER_FIELDS, type StepCounterField, type StepCounters } from "@cadenza/core";
import type { CounterColumns } from "../database.js";
import { readNumber } from "../read-values.js";

/** The column each step counter lives in, in `step_variant_counters` and `campaign_daily_counters`. */
export const COUNTER_COLUMNS: Record<StepCounterField, keyof CounterColumns> = {
  sent: "sent",
  unknown: "unknown",
  bouncedHard: "bounced_hard",
  bouncedSoft: "bounced_soft",
  opens: "opens",
  machineOpens: "machine_opens",
  clicks: "clicks",
  replies: "replies",
  unsubscribes: "unsubscribes",
  complaints: "complaints",
};

/** Every counter column, in `STEP_COUNTER_FIELDS` order. */
export const COUNTER_COLUMN_NAMES = STEP_COUNTER_FIELDS.map((f) => COUNTER_COLUMNS[f]);

/** Reads the counter columns of a row as StepCounters. */
export function readCounters(row: Record<string, unknown>): StepCounters {
  return Object.fromEntries(
    STEP_COUNTER_FIELDS.map((f) => [f, readNumber(row[COUNTER_COLUMNS[f]])]),
  ) as StepCounters;
}
