import type { StepCounters } from "./counters.js";

/** numerator / denominator, or 0 when the denominator is 0: a rate is never NaN or infinite. */
export function rate(numerator: number, denominator: number): number {
  return denominator > 0 ? numerator / denominator : 0;
}

/** Counts of one variant, one step or one campaign, as read from the counters. */
export interface MetricCounts {
  /** Emails that left or may have left: accepted, hard-bounced at send time, or outcome unknown. */
  sent: number;
  /** sent − hard bounces − soft bounces reported after sending (never below 0). */
  delivered: number;
  /** Emails whose send outcome is unknown (a worker died mid-send); included in `sent` and `delivered`. */
  unknown: number;
  /** Hard bounces: refused at send time or reported afterwards (one per email). */
  bouncedHard: number;
  /**
   * Soft bounces reported after sending (one per email; an email counts once as a bounce, hard or
   * soft). Delay warnings are not bounces.
   */
  bouncedSoft: number;
  /** bouncedHard + bouncedSoft. */
  bounces: number;
  /** Emails with at least one human open. */
  opens: number;
  /** Emails with at least one automatic open (privacy proxy, scanner, prefetch). */
  machineOpens: number;
  /** Emails with at least one human click. */
  clicks: number;
  /** Leads that replied, counted against the email they answered. */
  replies: number;
  unsubscribes: number;
  /** Emails reported as spam by their recipient (feedback-loop complaints), one per email. */
  complaints: number;
}

/** Rates of a `MetricCounts`, each 0 when its denominator is 0. */
export interface MetricRates {
  /** opens / delivered. */
  openRate: number;
  /** machineOpens / delivered. */
  machineOpenRate: number;
  /** clicks / delivered. */
  clickRate: number;
  /** clicks / opens. */
  clickToOpenRate: number;
  /** replies / delivered. */
  replyRate: number;
  /** bounces / sent. */
  bounceRate: number;
  /** unsubscribes / delivered. */
  unsubscribeRate: number;
  /** complaints / delivered: the spam rate mailbox providers hold senders to (Gmail and Yahoo: below 0.3 %). */
  complaintRate: number;
}

/** Counts with their rates. */
export interface Metrics extends MetricCounts {
  rates: MetricRates;
}

/** Every count a metrics row carries, in display order. */
export const METRIC_COUNT_FIELDS = [
  "sent",
  "delivered",
  "unknown",
  "bouncedHard",
  "bouncedSoft",
  "bounces",
  "opens",
  "machineOpens",
  "clicks",
  "replies",
  "unsubscribes",
  "complaints",
] as const satisfies readonly (keyof MetricCounts)[];

function withRates(counts: MetricCounts): Metrics {
  return {
    ...counts,
    rates: {
      openRate: rate(counts.opens, counts.delivered),
      machineOpenRate: rate(counts.machineOpens, counts.delivered),
      clickRate: rate(counts.clicks, counts.delivered),
      clickToOpenRate: rate(counts.clicks, counts.opens),
      replyRate: rate(counts.replies, counts.delivered),
      bounceRate: rate(counts.bounces, counts.sent),
      unsubscribeRate: rate(counts.unsubscribes, counts.delivered),
      complaintRate: rate(counts.complaints, counts.delivered),
    },
  };
}

/** Metrics of one (step, variant) counter row. */
export function metricsFromCounters(counters: StepCounters): Metrics {
  const bounces = counters.bouncedHard + counters.bouncedSoft;
  return withRates({
    sent: counters.sent,
    delivered: Math.max(0, counters.sent - bounces),
    unknown: counters.unknown,
    bouncedHard: counters.bouncedHard,
    bouncedSoft: counters.bouncedSoft,
    bounces,
    opens: counters.opens,
    machineOpens: counters.machineOpens,
    clicks: counters.clicks,
    replies: counters.replies,
    unsubscribes: counters.unsubscribes,
    complaints: counters.complaints,
  });
}

/** The sum of several metrics: counts add up (delivered included), rates are recomputed from them. */
export function sumMetrics(parts: readonly MetricCounts[]): Metrics {
  const counts = Object.fromEntries(
    METRIC_COUNT_FIELDS.map((field) => [field, parts.reduce((n, part) => n + part[field], 0)]),
  ) as unknown as MetricCounts;
  return withRates(counts);
}
