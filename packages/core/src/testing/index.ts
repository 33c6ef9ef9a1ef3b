/**
 * Test kit: a fake clock, seeded randomness and ids, a recording transport, the in-memory reference
 * store and the store conformance suite every adapter runs.
 */
export { FakeClock } from "./fake-clock.js";
export * from "./fixtures.js";
export { memoryStore } from "./memory/memory-store.js";
export { looksLikeAddress, matchesFilter } from "./memory/prospect-filter-match.js";
export { type RecordingTransport, recordingTransport, type SendScript } from "./recording-transport.js";
export { seededRandom, sequentialIds } from "./seeded.js";
export { simulateCampaign } from "./simulated-campaign.js";
export {
  runStoreConformanceSuite,
  type StoreConformanceOptions,
  type StoreHandle,
} from "./store-conformance.js";
