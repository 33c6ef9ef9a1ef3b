/**
 * Checks beyond the audit's own, for the invariants this store promises: counters equal the email
 * records they count, the audit columns equal the counter rows, lead-count columns equal the leads,
 * and no lease or `sending` record outlives a dead worker on a lead that will not be claimed again.
 * Portable SQL; `:now` is bound to the audit's time.
 */
export const STORE_CHECKS = [
  {
    check: "stopped_lead_with_next_send",
    description:
      "Replied or failed leads that still have a next send time (check 7 for the statuses it omits)",
    sql: `SELECT id, status, next_email_at
FROM campaign_leads
WHERE status IN ('replied', 'failed') AND next_email_at IS NOT NULL`,
  },
  {
    check: "counters_differ_from_emails",
    description:
      "Step/variant counters (sent, opens, machine opens, clicks) that differ from the email records",
    sql: `SELECT COALESCE(c.campaign_id, x.campaign_id) AS campaign_id,
  COALESCE(c.step_number, x.step_number) AS step_number, COALESCE(c.variant, x.variant) AS variant,
  c.sent, x.sent AS actual_sent, c.opens, x.opens AS actual_opens,
  c.machine_opens, x.machine_opens AS actual_machine_opens, c.clicks, x.clicks AS actual_clicks
FROM step_variant_counters c
FULL OUTER JOIN (
  SELECT campaign_id, step_number, variant, COUNT(*) AS sent,
    SUM(CASE WHEN opened_at IS NOT NULL THEN 1 ELSE 0 END) AS opens,
    SUM(CASE WHEN machine_opened_at IS NOT NULL THEN 1 ELSE 0 END) AS machine_opens,
    SUM(CASE WHEN clicked_at IS NOT NULL THEN 1 ELSE 0 END) AS clicks
  FROM emails
  WHERE direction = 'outbound' AND campaign_id IS NOT NULL
  GROUP BY campaign_id, step_number, variant
) x ON x.campaign_id = c.campaign_id AND x.step_number = c.step_number AND x.variant = c.variant
WHERE COALESCE(c.sent, 0) <> COALESCE(x.sent, 0)
  OR COALESCE(c.opens, 0) <> COALESCE(x.opens, 0)
  OR COALESCE(c.machine_opens, 0) <> COALESCE(x.machine_opens, 0)
  OR COALESCE(c.clicks, 0) <> COALESCE(x.clicks, 0)`,
  },
  {
    check: "audit_columns_differ_from_counters",
    description: "Step metric columns (campaign_sequences) that differ from the step/variant counter rows",
    sql: `SELECT s.campaign_id, s.step_number, s.sent_count, s.variant_a_sent, s.variant_b_sent,
  s.open_count, s.reply_count, s.bounce_count
FROM campaign_sequences s
LEFT JOIN step_variant_counters c ON c.campaign_id = s.campaign_id AND c.step_number = s.step_number
GROUP BY s.id, s.campaign_id, s.step_number, s.sent_count, s.variant_a_sent, s.variant_b_sent,
  s.open_count, s.variant_a_opens, s.variant_b_opens, s.reply_count, s.variant_a_replies,
  s.variant_b_replies, s.bounce_count
HAVING s.sent_count <> COALESCE(SUM(c.sent), 0)
  OR s.variant_a_sent <> COALESCE(SUM(CASE WHEN c.variant = 'A' THEN c.sent END), 0)
  OR s.variant_b_sent <> COALESCE(SUM(CASE WHEN c.variant = 'B' THEN c.sent END), 0)
  OR s.open_count <> COALESCE(SUM(c.opens), 0)
  OR s.variant_a_opens <> COALESCE(SUM(CASE WHEN c.variant = 'A' THEN c.opens END), 0)
  OR s.variant_b_opens <> COALESCE(SUM(CASE WHEN c.variant = 'B' THEN c.opens END), 0)
  OR s.reply_count <> COALESCE(SUM(c.replies), 0)
  OR s.variant_a_replies <> COALESCE(SUM(CASE WHEN c.variant = 'A' THEN c.replies END), 0)
  OR s.variant_b_replies <> COALESCE(SUM(CASE WHEN c.variant = 'B' THEN c.replies END), 0)
  OR s.bounce_count <> COALESCE(SUM(c.bounced_hard), 0)`,
  },
  {
    check: "campaign_columns_differ_from_counters",
    description: "Campaign emails_opened or replies_received that differ from the step/variant counter rows",
    sql: `SELECT c.id, c.emails_opened, c.replies_received
FROM campaigns c
LEFT JOIN step_variant_counters v ON v.campaign_id = c.id
GROUP BY c.id, c.emails_opened, c.replies_received
HAVING c.emails_opened <> COALESCE(SUM(v.opens), 0)
  OR c.replies_received <> COALESCE(SUM(v.replies), 0)`,
  },
  {
    check: "lead_count_columns_differ",
    description: "Campaign active_leads, completed_leads or per-status counts that differ from the leads",
    sql: `SELECT c.id, c.active_leads, c.completed_leads, k.status, k.leads, COUNT(l.id) AS actual
FROM campaigns c
LEFT JOIN campaign_lead_counts k ON k.campaign_id = c.id
LEFT JOIN campaign_leads l ON l.campaign_id = c.id AND l.status = k.status
GROUP BY c.id, c.active_leads, c.completed_leads, k.status, k.leads
HAVING COALESCE(k.leads, 0) <> COUNT(l.id)
  OR c.active_leads <> (SELECT COUNT(*) FROM campaign_leads a WHERE a.campaign_id = c.id AND a.status IN ('active', 'paused'))
  OR c.completed_leads <> (SELECT COUNT(*) FROM campaign_leads d WHERE d.campaign_id = c.id AND d.status = 'completed')`,
  },
  {
    check: "lease_on_finished_lead",
    description:
      "Finished leads still holding a lease: a send in flight when the lead stopped, or a worker that died mid-send",
    sql: `SELECT id, status, lease_token, lease_expires_at
FROM campaign_leads
WHERE lease_token IS NOT NULL AND status IN ('completed', 'replied', 'bounced', 'unsubscribed', 'failed')`,
  },
  {
    check: "orphaned_sending",
    description: "Emails still 'sending' that no live lease covers, on leads that will not be claimed again",
    sql: `SELECT e.id, e.lead_id, e.step_number, e.created_at
FROM emails e
LEFT JOIN campaign_leads l ON l.id = e.lead_id
WHERE e.status = 'sending'
  AND (l.id IS NULL OR (l.status <> 'active'
    AND (l.lease_token IS NULL OR l.lease_token <> e.lease_token OR l.lease_expires_at <= :now)))`,
  },
] as const;
