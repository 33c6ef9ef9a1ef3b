// The tracking names this package uses from @cadenza/core, in one place: the core's index of this
// branch does not re-export its `tracking/` folder yet; once it does, this becomes
// `export { … } from "@cadenza/core"` with the same names.
export {
  classifyClick,
  classifyInbound,
  classifyOpen,
  createTokenSigner,
  type InboundClassification,
  type InboundMessage,
  inboundMessageSchema,
  matchKeys,
} from "../../core/src/tracking/index.js";
