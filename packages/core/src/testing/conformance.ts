/**
 * The store conformance suite every store runs (it registers vitest tests), and the simulated
 * campaign it includes.
 */
export { simulateCampaign } from "./simulated-campaign.js";
export {
  runStoreConformanceSuite,
  type StoreConformanceOptions,
  type StoreHandle,
} from "./store-conformance.js";
