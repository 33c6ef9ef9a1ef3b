/** A JSON answer: status and parsed body. */
export interface ApiAnswer<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

/** A browser's user agent, so tracking requests are judged as a person's. */
export const BROWSER_AGENT =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";

/** A caught message as `/dev/mail/messages` answers it. */
export interface CaughtMail {
  id: string;
  message_id: string | null;
  to: string;
  from: string;
  subject: string;
  headers: Record<string, string>;
  text: string;
  html: string | null;
  envelope: { from: string | null; to: string[] };
}

/**
 * A small HTTP client of the host, the way any other program would talk to it: JSON over fetch with
 * the bearer key, plus the public tracking routes and the mail catcher.
 */
export function apiClient(baseUrl: string, apiKey: string | null) {
  async function request<T>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) {
    const init: RequestInit = { method, headers: { ...headers } };
    if (apiKey !== null) (init.headers as Record<string, string>).authorization = `Bearer ${apiKey}`;
    if (body !== undefined) {
      if (typeof body === "string") init.body = body;
      else {
        init.body = JSON.stringify(body);
        (init.headers as Record<string, string>)["content-type"] = "application/json";
      }
    }
    const response = await fetch(`${baseUrl}${path}`, init);
    const text = await response.text();
    let parsed: unknown = text;
    if ((response.headers.get("content-type") ?? "").includes("json") && text !== "")
      parsed = JSON.parse(text);
    return { status: response.status, body: parsed as T, headers: response.headers } satisfies ApiAnswer<T>;
  }

  return {
    request,
    get: <T = Record<string, unknown>>(path: string) => request<T>("GET", path),
    post: <T = Record<string, unknown>>(path: string, body?: unknown, headers?: Record<string, string>) =>
      request<T>("POST", path, body, headers),

    /** Messages the mail catcher holds, optionally for one recipient. */
    async caughtMail(to?: string): Promise<CaughtMail[]> {
      const answer = await request<{ messages: CaughtMail[] }>(
        "GET",
        `/dev/mail/messages${to ? `?to=${encodeURIComponent(to)}` : ""}`,
      );
      if (answer.status !== 200) throw new Error(`The mail catcher answered ${answer.status}`);
      return answer.body.messages;
    },

    /** Fetches a message's open pixel as a mail client would. */
    async open(mail: CaughtMail): Promise<number> {
      const url = trackingUrls(mail.html ?? "", "open")[0];
      if (!url) throw new Error(`Message ${mail.id} has no open pixel`);
      const response = await fetch(url, { headers: { "user-agent": BROWSER_AGENT } });
      await response.arrayBuffer();
      return response.status;
    },

    /** Follows a message's first tracked link without leaving the host; answers the redirect. */
    async click(mail: CaughtMail): Promise<{ status: number; location: string | null }> {
      const url = trackingUrls(mail.html ?? "", "click")[0];
      if (!url) throw new Error(`Message ${mail.id} has no tracked link`);
      const response = await fetch(url, { headers: { "user-agent": BROWSER_AGENT }, redirect: "manual" });
      await response.arrayBuffer();
      return { status: response.status, location: response.headers.get("location") };
    },

    /** RFC 8058 one-click unsubscribe, as a mailbox provider sends it from the List-Unsubscribe header. */
    async unsubscribe(mail: CaughtMail): Promise<number> {
      const url = /<(https?:[^>]+)>/.exec(mail.headers["list-unsubscribe"] ?? "")?.[1];
      if (!url) throw new Error(`Message ${mail.id} has no List-Unsubscribe URL`);
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "List-Unsubscribe=One-Click",
      });
      await response.arrayBuffer();
      return response.status;
    },
  };
}

export type ApiClient = ReturnType<typeof apiClient>;

/** Tracking URLs of one kind in a message's HTML, in order. */
export function trackingUrls(html: string, kind: "open" | "click"): string[] {
  const pattern = new RegExp(`(?:src|href)="(https?://[^"]+/api/track/${kind}/[A-Za-z0-9_-]+)"`, "g");
  return [...html.matchAll(pattern)].map((m) => m[1]!.replace(/&amp;/g, "&"));
}

/** A plain-text reply to a caught message, as raw MIME, threaded by its Message-ID. */
export function rawReply(mail: CaughtMail, text: string, date: Date): string {
  const to = mail.envelope.to[0] ?? mail.to;
  const local = `reply-${mail.id}-${date.getTime()}`;
  return [
    `From: ${to}`,
    `To: ${mail.envelope.from ?? mail.from}`,
    `Subject: Re: ${mail.subject}`,
    `Date: ${date.toUTCString()}`,
    `Message-ID: <${local}@prospect.example>`,
    `In-Reply-To: ${mail.message_id}`,
    `References: ${mail.message_id}`,
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=utf-8",
    "",
    text,
    "",
  ].join("\r\n");
}
