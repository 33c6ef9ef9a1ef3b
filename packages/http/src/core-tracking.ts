// The tracking names this package uses from @cadenza/core, in one place.
export {
  classifyClick,
  classifyInbound,
  classifyOpen,
  createTokenSigner,
  type InboundClassification,
  type InboundMessage,
  inboundMessageSchema,
  matchKeys,
} from "@cadenza/core";
