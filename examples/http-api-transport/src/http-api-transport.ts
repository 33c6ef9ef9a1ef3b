import type { OutboundMessage, SendResult, Transport } from "@cadenza/core";
import { match, P } from "ts-pattern";

/** Where the API lives and how to call it. */
export interface HttpApiTransportConfig {
  /** e.g. `https://api.mail.example/v1`; messages are POSTed to `<baseUrl>/messages`. */
  baseUrl: string;
  apiKey: string;
  /** Give up on a request after this long: a transport failure, retried later. */
  timeoutMs?: number;
}

type Kind = Extract<SendResult, { status: "rejected" }>["kind"];

/**
 * Maps an HTTP status and the provider's error code to the engine's outcome. Provider codes that
 * name the recipient or the sender win; otherwise the status decides.
 */
export function classifyHttpApiResponse(status: number, providerCode: string | null): Kind {
  return match({ status, providerCode })
    .with({ providerCode: P.union("invalid_recipient", "recipient_suppressed") }, () => "hard" as const)
    .with({ providerCode: "mailbox_full" }, () => "soft" as const)
    .with({ providerCode: P.union("domain_not_verified", "sender_blocked") }, () => "sender" as const)
    .with({ status: 422 }, () => "hard" as const)
    .with({ status: P.union(401, 403) }, () => "sender" as const)
    .with({ status: 429 }, () => "throttled" as const) // the API limits us, not the recipient
    .with({ status: P.number.gte(500) }, () => "transport" as const)
    .otherwise(() => "sender" as const); // any other 4xx: our request is wrong, the address is not
}

/** A `Transport` over a JSON email API, using fetch. The idempotency key lets the API drop a retried duplicate. */
export function httpApiTransport(config: HttpApiTransportConfig): Transport {
  return {
    name: `http-api:${new URL(config.baseUrl).host}`,
    async send(message: OutboundMessage): Promise<SendResult> {
      let response: Response;
      try {
        response = await fetch(`${config.baseUrl}/messages`, {
          method: "POST",
          headers: {
            authorization: `Bearer ${config.apiKey}`,
            "content-type": "application/json",
            "idempotency-key": message.idempotencyKey,
          },
          body: JSON.stringify({
            message_id: message.messageId,
            from: message.from,
            to: message.to,
            reply_to: message.replyTo,
            subject: message.subject,
            html: message.html,
            text: message.text,
            in_reply_to: message.inReplyTo,
            references: message.references,
            headers: message.headers,
          }),
          signal: AbortSignal.timeout(config.timeoutMs ?? 30_000),
        });
      } catch (error) {
        // No HTTP answer at all: refused, DNS, TLS, timeout.
        const cause = (error as { cause?: { code?: string } }).cause;
        const code = (error as Error).name === "TimeoutError" ? "TIMEOUT" : (cause?.code ?? "FETCH_FAILED");
        return { status: "rejected", kind: "transport", code, response: String((error as Error).message) };
      }
      const text = await response.text();
      const body = parseJson(text) as { id?: string; error?: { code?: string; message?: string } } | null;
      if (response.ok) return { status: "accepted", response: text, providerMessageId: body?.id ?? null };
      const providerCode = body?.error?.code ?? null;
      const kind = classifyHttpApiResponse(response.status, providerCode);
      const reply = text || `${response.status} ${response.statusText}`;
      return { status: "rejected", kind, code: providerCode ?? String(response.status), response: reply };
    },
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
