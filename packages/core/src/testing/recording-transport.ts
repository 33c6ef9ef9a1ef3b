import type { OutboundMessage, SendResult, Transport } from "../ports.js";

/** Decides the result of one send; return `undefined` to accept. */
export type SendScript = (message: OutboundMessage, attempt: number) => SendResult | undefined;

/**
 * A transport that records what it is asked to send and answers as scripted (accepts by default).
 *
 * ```ts
 * const transport = recordingTransport();
 * transport.script((m) => m.to.email === "bad@example.com"
 *   ? { status: "rejected", kind: "hard", code: "5.1.1", response: "550 5.1.1 no such user" }
 *   : undefined);
 * ```
 */
export interface RecordingTransport extends Transport {
  /** Every message accepted, in order. */
  readonly sent: OutboundMessage[];
  /** Every send attempt with its result, in order. */
  readonly attempts: { message: OutboundMessage; result: SendResult }[];
  /** Replaces the script deciding each result. */
  script(script: SendScript | null): void;
  /** Clears what was recorded. */
  reset(): void;
}

export function recordingTransport(name = "recording"): RecordingTransport {
  const sent: OutboundMessage[] = [];
  const attempts: { message: OutboundMessage; result: SendResult }[] = [];
  const tries = new Map<string, number>();
  let current: SendScript | null = null;
  return {
    name,
    sent,
    attempts,
    script(script) {
      current = script;
    },
    reset() {
      sent.length = 0;
      attempts.length = 0;
      tries.clear();
    },
    async send(message) {
      const attempt = (tries.get(message.idempotencyKey) ?? 0) + 1;
      tries.set(message.idempotencyKey, attempt);
      const result: SendResult = current?.(message, attempt) ?? {
        status: "accepted",
        response: "250 2.0.0 OK",
      };
      attempts.push({ message, result });
      if (result.status === "accepted") sent.push(message);
      return result;
    },
  };
}
