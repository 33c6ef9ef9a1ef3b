export * from "./cadenza-tracking-engine.js";
export * from "./express-router.js";
export * from "./node-handler.js";
export * from "./parse-inbound-email.js";
export { PIXEL_GIF } from "./responses.js";
export * from "./tracking-engine.js";
export * from "./tracking-handlers.js";
