/**
 * The audit's section 8 consistency checks, verbatim: each must return no rows. They run unchanged
 * on Postgres (with `search_path` set to the store's schema) and on SQLite.
 */
export const AUDIT_QUERIES = [
  {
    check: "orphaned_sequences",
    description: "Check 1: steps whose campaign does not exist",
    sql: `SELECT cs.id, cs.campaign_id
FROM campaign_sequences cs
LEFT JOIN campaigns c ON c.id = cs.campaign_id
WHERE c.id IS NULL`,
  },
  {
    check: "invalid_lead_counts",
    description: "Check 2: campaigns whose leads_count differs from their number of leads",
    sql: `SELECT c.id, c.leads_count, (SELECT COUNT(*) FROM campaign_leads WHERE campaign_id = c.id) as actual
FROM campaigns c
WHERE c.leads_count != (SELECT COUNT(*) FROM campaign_leads WHERE campaign_id = c.id)`,
  },
  {
    check: "stale_metrics",
    description: "Check 3: campaigns whose emails_sent differs from their number of outbound emails",
    sql: `SELECT c.id, c.emails_sent, COUNT(e.id) as actual_sent
FROM campaigns c
LEFT JOIN emails e ON e.campaign_id = c.id AND e.direction = 'outbound'
GROUP BY c.id
HAVING c.emails_sent != COUNT(e.id)`,
  },
  {
    check: "duplicate_step_numbers",
    description: "Check 4: campaigns with two steps of one number",
    sql: `SELECT campaign_id, step_number, COUNT(*)
FROM campaign_sequences
GROUP BY campaign_id, step_number
HAVING COUNT(*) > 1`,
  },
  {
    check: "negative_metrics",
    description: "Check 5: steps with a negative sent, open or reply count",
    sql: `SELECT id, sent_count, open_count, reply_count
FROM campaign_sequences
WHERE sent_count < 0 OR open_count < 0 OR reply_count < 0`,
  },
  {
    check: "opens_exceed_sends",
    description: "Check 6: steps with more opens than sends",
    sql: `SELECT id, sent_count, open_count
FROM campaign_sequences
WHERE open_count > sent_count`,
  },
  {
    check: "invalid_next_email_at",
    description: "Check 7: finished leads that still have a next send time",
    sql: `SELECT id, status, next_email_at
FROM campaign_leads
WHERE status IN ('completed', 'unsubscribed', 'bounced')
  AND next_email_at IS NOT NULL`,
  },
  {
    check: "step_past_end",
    description: "Check 8: leads whose current step is past their campaign's last step",
    sql: `SELECT cl.id, cl.current_step, c.sequence_count
FROM campaign_leads cl
JOIN campaigns c ON c.id = cl.campaign_id
WHERE cl.current_step > c.sequence_count`,
  },
] as const;
