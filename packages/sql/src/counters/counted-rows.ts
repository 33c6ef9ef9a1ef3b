import { AUDIT_COUNTER_COLUMNS, type StepCounterField } from "@cadenza/core";
import { type RawBuilder, sql } from "kysely";
import type { SqlDialect } from "../sql-dialect.js";
import { COUNTER_COLUMNS } from "./counter-columns.js";

/**
 * The counter writes of `CounterBatch.addDeltas` — one `field` delta of +1 per row — for rows a
 * statement produces itself (a data-modifying CTE named `source` with `campaign_id`, `step_number`,
 * `variant` and `counter_day`), as bodies of further CTEs of the same statement (Postgres): the
 * counters move with exactly the rows written, in the same atomic statement. Rows missing any of the
 * four columns count nowhere, as in `CounterBatch`. Tables in `CounterBatch`'s order, rows in key
 * order, so concurrent writers lock counter rows in one order.
 */
export function counterWritesOfRows(
  dialect: SqlDialect,
  source: string,
  field: StepCounterField,
): RawBuilder<unknown>[] {
  const column = sql.id(COUNTER_COLUMNS[field]);
  const counted = sql`(select campaign_id, step_number, variant, counter_day from ${sql.id(source)}
    where campaign_id is not null and step_number is not null and variant is not null and counter_day is not null)`;
  const writes: RawBuilder<unknown>[] = [
    sql`insert into ${dialect.table("step_variant_counters")} as t (campaign_id, step_number, variant, ${column})
  select campaign_id, step_number, variant, count(*) from ${counted} as c
   group by campaign_id, step_number, variant
   order by campaign_id, step_number, variant
  on conflict (campaign_id, step_number, variant) do update set ${column} = t.${column} + excluded.${column}`,
  ];
  const audit = AUDIT_COUNTER_COLUMNS[field];
  const sets = [
    audit.step && sql`${sql.id(audit.step)} = s.${sql.id(audit.step)} + c.n`,
    audit.variantA && sql`${sql.id(audit.variantA)} = s.${sql.id(audit.variantA)} + c.a`,
    audit.variantB && sql`${sql.id(audit.variantB)} = s.${sql.id(audit.variantB)} + c.b`,
  ].filter((s) => s !== null);
  if (sets.length > 0) {
    writes.push(sql`update ${dialect.table("campaign_sequences")} as s set ${sql.join(sets)}
  from (select campaign_id, step_number, count(*) as n,
               count(*) filter (where variant = 'A') as a, count(*) filter (where variant = 'B') as b
          from ${counted} as c group by campaign_id, step_number) as c
 where s.campaign_id = c.campaign_id and s.step_number = c.step_number`);
  }
  writes.push(
    sql`insert into ${dialect.table("campaign_daily_counters")} as t (campaign_id, day, ${column})
  select campaign_id, counter_day, count(*) from ${counted} as c
   group by campaign_id, counter_day
   order by campaign_id, counter_day
  on conflict (campaign_id, day) do update set ${column} = t.${column} + excluded.${column}`,
  );
  if (audit.campaign) {
    const campaignColumn = sql.id(audit.campaign);
    writes.push(sql`update ${dialect.table("campaigns")} as k set ${campaignColumn} = k.${campaignColumn} + c.n
  from (select campaign_id, count(*) as n from ${counted} as c group by campaign_id) as c
 where k.id = c.campaign_id`);
  }
  return writes;
}
