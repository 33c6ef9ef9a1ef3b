export type { AnalyticsApi } from "./analytics-api.js";
export type { AnalyticsContext } from "./analytics-context.js";
export {
  type BestSubjectLinesOptions,
  bestSubjectLines,
  bestSubjectLinesOptionsSchema,
  type SubjectLinePerformance,
} from "./best-subject-lines.js";
export {
  AB_TEST_METRICS,
  type AbComparison,
  type AbTestMetric,
  type AbTestOptions,
  type AbVerdict,
  abTestMetricSchema,
  abTestOptionsSchema,
  type CampaignAbTest,
  campaignAbTest,
  type StepAbTest,
} from "./campaign-ab-test.js";
export { type CampaignFunnel, campaignFunnel, type FunnelStep } from "./campaign-funnel.js";
export {
  type CampaignMetrics,
  campaignMetrics,
  type StepMetrics,
  type VariantMetrics,
} from "./campaign-metrics.js";
export {
  type CampaignTimeSeries,
  campaignTimeSeries,
  MAX_TIME_SERIES_DAYS,
  type TimeSeriesRange,
  timeSeriesRangeSchema,
} from "./campaign-time-series.js";
export { METRIC_COUNT_FIELDS, type MetricCounts, type MetricRates, type Metrics } from "./metric-counts.js";
export {
  type PromoteWinnerOptions,
  type PromotionOutcome,
  promoteWinnerOptionsSchema,
  type WinnerPromotion,
} from "./promote-winner.js";
export {
  type TwoProportionInput,
  type TwoProportionTest,
  twoProportionInputSchema,
  twoProportionZTest,
} from "./two-proportion-test.js";
