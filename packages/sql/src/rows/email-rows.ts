import type { EmailDirection, EmailRecord, EmailStatus, VariantName } from "@cadenza/core";
import { type Insertable, type Selectable, type SelectQueryBuilder, sql } from "kysely";
import type { EmailsTable } from "../database.js";
import { readBool, readTime, readTimeOrNull } from "../read-values.js";
import type { SqlContext } from "../sql-context.js";
import type { JsonRowType, SqlValues } from "../sql-dialect.js";

/** An `emails` row as an EmailRecord. */
export function toEmailRecord(row: Selectable<EmailsTable>, values: SqlValues): EmailRecord {
  return {
    id: row.id,
    campaignId: row.campaign_id,
    leadId: row.lead_id,
    prospectId: row.prospect_id,
    stepNumber: row.step_number,
    variant: row.variant as VariantName | null,
    mailboxId: row.mailbox_id,
    direction: row.direction as EmailDirection,
    status: row.status as EmailStatus,
    messageId: row.message_id,
    providerMessageId: row.provider_message_id,
    inReplyTo: row.in_reply_to,
    references: values.readTextArray(row.thread_references),
    subject: row.subject,
    html: row.html,
    text: row.body,
    toEmail: row.to_email,
    fromEmail: row.from_email,
    idempotencyKey: row.idempotency_key,
    response: row.response,
    generated: readBool(row.generated),
    links: values.readTextArray(row.links),
    counterDay: row.counter_day,
    sentAt: readTimeOrNull(row.sent_at),
    openedAt: readTimeOrNull(row.opened_at),
    machineOpenedAt: readTimeOrNull(row.machine_opened_at),
    clickedAt: readTimeOrNull(row.clicked_at),
    repliedAt: readTimeOrNull(row.replied_at),
    bouncedAt: readTimeOrNull(row.bounced_at),
    complainedAt: readTimeOrNull(row.complained_at),
    createdAt: readTime(row.created_at),
  };
}

/** The row an EmailRecord writes. */
export function emailColumns(
  email: EmailRecord,
  leaseToken: string | null,
  values: SqlValues,
): Insertable<EmailsTable> {
  const time = (d: Date | null) => (d === null ? null : values.time(d));
  return {
    id: email.id,
    campaign_id: email.campaignId,
    lead_id: email.leadId,
    prospect_id: email.prospectId,
    step_number: email.stepNumber,
    variant: email.variant,
    mailbox_id: email.mailboxId,
    direction: email.direction,
    status: email.status,
    message_id: email.messageId,
    in_reply_to: email.inReplyTo,
    thread_references: values.textArray(email.references),
    subject: email.subject,
    body: email.text,
    html: email.html,
    to_email: email.toEmail,
    from_email: email.fromEmail,
    idempotency_key: email.idempotencyKey,
    response: email.response,
    generated: values.bool(email.generated),
    links: values.textArray(email.links),
    counter_day: email.counterDay,
    lease_token: leaseToken,
    sent_at: time(email.sentAt),
    opened_at: time(email.openedAt),
    machine_opened_at: time(email.machineOpenedAt),
    clicked_at: time(email.clickedAt),
    replied_at: time(email.repliedAt),
    bounced_at: time(email.bouncedAt),
    created_at: values.time(email.createdAt),
    updated_at: values.time(email.createdAt),
    provider_message_id: email.providerMessageId,
    complained_at: time(email.complainedAt),
  };
}

/** Every `emails` column with its type, for inserting a batch of rows in one fixed-shape statement. */
export const EMAIL_COLUMN_TYPES = {
  id: "id",
  campaign_id: "id",
  lead_id: "id",
  prospect_id: "id",
  step_number: "int",
  variant: "text",
  mailbox_id: "text",
  direction: "text",
  status: "text",
  message_id: "text",
  in_reply_to: "text",
  thread_references: "text[]",
  subject: "text",
  body: "text",
  html: "text",
  to_email: "text",
  from_email: "text",
  idempotency_key: "text",
  response: "text",
  generated: "bool",
  links: "text[]",
  counter_day: "text",
  lease_token: "text",
  sent_at: "time",
  opened_at: "time",
  machine_opened_at: "time",
  clicked_at: "time",
  replied_at: "time",
  bounced_at: "time",
  created_at: "time",
  updated_at: "time",
  provider_message_id: "text",
  complained_at: "time",
} as const satisfies Record<keyof EmailsTable, JsonRowType>;

/** The `emails` columns, in table order. */
export const EMAIL_COLUMNS = Object.keys(EMAIL_COLUMN_TYPES) as (keyof EmailsTable)[];

/** The `emails` columns other than the bodies, which `selectEmails` may take from `email_bodies`. */
const COLUMNS_BESIDE_BODIES = EMAIL_COLUMNS.filter((c) => c !== "body" && c !== "html");

/**
 * `emails as e` with every column of the table, the bodies taken from `email_bodies` where the
 * dialect keeps them apart (`SqlDialect.emailBodies`) and the row has one there. Narrow it with
 * `e.`-qualified conditions.
 */
export function selectEmails({ db, dialect }: SqlContext) {
  const emails = db.selectFrom("emails as e");
  if (dialect.emailBodies === "inline") return emails.selectAll("e");
  return emails
    .leftJoin("email_bodies as b", "b.email_id", "e.id")
    .select([
      ...COLUMNS_BESIDE_BODIES.map((c) => `e.${c}` as const),
      sql<string>`coalesce(b.body, e.body)`.as("body"),
      sql<string | null>`coalesce(b.html, e.html)`.as("html"),
    ]) as unknown as typeof emails extends SelectQueryBuilder<infer DB, infer TB, object>
    ? SelectQueryBuilder<DB, TB, Selectable<EmailsTable>>
    : never;
}
