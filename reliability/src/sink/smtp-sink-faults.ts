/**
 * How the SMTP sink misbehaves. Every fault is decided per delivery attempt, at random, except the
 * address-bound ones (`nobody…` always bounces, `busy…` is always busy), so the harness can predict
 * how those leads must end.
 */
export interface SinkFaults {
  /** Chance that RCPT TO is answered `451 4.3.0` or `421 4.7.0`: the server throttling the sender. */
  throttle: number;
  /** Chance that the connection is destroyed while DATA is arriving (nothing was accepted). */
  dropMidData: number;
  /** Chance that the sink stays silent for `stallMs` after DATA, then answers 451 (nothing accepted). */
  stall: number;
  /** How long a stall lasts, in ms. */
  stallMs: number;
  /**
   * Chance that the sink accepts the message (logs it, as a real MTA would queue it) but the client
   * never hears the 250: the connection is destroyed instead (RFC 1047's duplicate case).
   */
  ackLoss: number;
}

/** A sink that accepts everything. */
export const NO_FAULTS: SinkFaults = { throttle: 0, dropMidData: 0, stall: 0, stallMs: 0, ackLoss: 0 };

/** Recipients whose mailbox does not exist: answered `550 5.1.1` at RCPT TO, every time. */
export const HARD_BOUNCE_PREFIX = "nobody";

/** Recipients whose server is always busy: answered `451 4.2.1` after DATA, every time. */
export const ALWAYS_BUSY_PREFIX = "busy";

/** What the sink does with one delivery attempt once the message has arrived. */
export type DataVerdict = "accept" | "drop" | "stall" | "ack-loss";

/** Picks the verdict for one message from one uniform draw. */
export function dataVerdict(faults: SinkFaults, roll: number): DataVerdict {
  if (roll < faults.dropMidData) return "drop";
  if (roll < faults.dropMidData + faults.stall) return "stall";
  if (roll < faults.dropMidData + faults.stall + faults.ackLoss) return "ack-loss";
  return "accept";
}
