/**
 * Test kit: a fake clock, seeded randomness and ids, a recording transport, the in-memory reference
 * store and `testCadenza()`. Loads anywhere (a demo host may use the fake clock). The store
 * conformance suite, which needs vitest, is `@cadenza/core/testing/conformance`.
 */
export { FakeClock } from "./fake-clock.js";
export * from "./fixtures.js";
export { memoryStore } from "./memory/memory-store.js";
export { looksLikeAddress, matchesFilter } from "./memory/prospect-filter-match.js";
export { type RecordingTransport, recordingTransport, type SendScript } from "./recording-transport.js";
export { seededRandom, sequentialIds } from "./seeded.js";
export { type TestCadenza, type TestCadenzaOptions, testCadenza } from "./test-cadenza.js";
export { sentTrackedEmails } from "./tracked-emails.js";
