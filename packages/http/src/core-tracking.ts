// The tracking half of @cadenza/core, in one place so the import path changes in one line once the
// core's index re-exports its `tracking/` folder.
export * from "../../core/src/tracking/index.js";
