export { campaignDay, utcDay } from "./campaign-day.js";
export { type NextSendTimeInput, nextSendTime, nextSendTimeInputSchema } from "./next-send-time.js";
export {
  isInSendWindow,
  nextWindowOpening,
  type SendWindow,
  type SendWindowSettings,
  sendWindowSchema,
  windowFor,
} from "./send-window.js";
