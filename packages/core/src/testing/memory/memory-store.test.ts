import { runStoreConformanceSuite } from "../store-conformance.js";
import { memoryStore } from "./memory-store.js";

runStoreConformanceSuite({
  name: "memory",
  createStore: async () => ({ store: memoryStore(), cleanup: async () => {} }),
});
