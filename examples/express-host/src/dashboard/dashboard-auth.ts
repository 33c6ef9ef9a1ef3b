import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { Request, RequestHandler, Response } from "express";
import { dashboardPage } from "./dashboard-layout.js";
import { html } from "./safe-html.js";

/** Name of the session cookie the dashboard sets once the key was given. */
export const DASHBOARD_COOKIE = "cadenza_dashboard";
/** How long a dashboard session lasts before the key must be given again. */
export const DASHBOARD_SESSION_MS = 12 * 3_600_000;

const digest = (value: string) => createHash("sha256").update(value).digest();
const sameDigest = (a: Buffer, b: Buffer) => a.length === b.length && timingSafeEqual(a, b);

/**
 * Session tokens `<expiry ms>.<HMAC-SHA256(apiKey, expiry)>`: nothing is stored, a token is only
 * valid until its expiry, and changing the API key invalidates every session. The cookie never
 * holds the key itself.
 */
export function dashboardSessions(apiKey: string) {
  const mac = (expires: string) =>
    createHmac("sha256", apiKey).update(`cadenza-dashboard-session:${expires}`).digest();
  return {
    /** A token valid until `expiresAt` (ms since the epoch). */
    issue(expiresAt: number): string {
      const expires = String(Math.floor(expiresAt));
      return `${expires}.${mac(expires).toString("base64url")}`;
    },
    /** Whether `token` was issued with this key and has not expired at `now`. */
    verify(token: string, now: number): boolean {
      const match = /^(\d{1,16})\.([A-Za-z0-9_-]{43})$/.exec(token);
      if (!match) return false;
      return Number(match[1]) > now && sameDigest(Buffer.from(match[2]!, "base64url"), mac(match[1]!));
    },
  };
}

function cookie(req: Request, name: string): string | null {
  for (const part of (req.get("cookie") ?? "").split(";")) {
    const at = part.indexOf("=");
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return null;
}

/** The page's own URL without `key`, other parameters kept: where the browser goes once signed in. */
function withoutKey(req: Request): string {
  const query = new URLSearchParams(req.originalUrl.includes("?") ? req.originalUrl.split("?")[1] : "");
  query.delete("key");
  const rest = query.toString();
  const path = req.path === "/" && req.baseUrl !== "" ? req.baseUrl : `${req.baseUrl}${req.path}`;
  return `${path}${rest ? `?${rest}` : ""}`;
}

function unauthorized(res: Response, message: string): void {
  res
    .status(401)
    .type("html")
    .send(
      dashboardPage(
        "Sign in",
        html`<h1>The dashboard needs the API key</h1><p class="panel">${message}</p>
<p class="muted">Open the dashboard link the host or <code>pnpm demo</code> printed, or add
<code>?key=&lt;CADENZA_API_KEY&gt;</code> to this page's address once: the browser then keeps a session
cookie for ${DASHBOARD_SESSION_MS / 3_600_000} hours. Scripts may send <code>Authorization: Bearer &lt;key&gt;</code> instead.</p>`,
      ),
    );
}

/**
 * Lets a request through with the API key, given one of three ways:
 * - `?key=<key>` in the address, once: the answer sets an HttpOnly, SameSite=Strict session cookie
 *   and sends the browser on to the same address without the key (so the key leaves the address
 *   bar and the history). The hop is a page that refreshes itself rather than a redirect: a
 *   SameSite=Strict cookie is not sent on a redirect that began with a link from another site (a
 *   chat, a mail), but a navigation the dashboard's own page starts is same-site.
 * - the session cookie, while it has not expired;
 * - `Authorization: Bearer <key>`, as the API takes it.
 * Anything else is answered 401 with a page saying how to get in. Keys are compared as SHA-256
 * digests in constant time.
 */
export function requireDashboardKey(
  apiKey: string,
  options: { now?: () => number; sessionMs?: number } = {},
): RequestHandler {
  const expected = digest(apiKey);
  const sessions = dashboardSessions(apiKey);
  const now = options.now ?? Date.now;
  const sessionMs = options.sessionMs ?? DASHBOARD_SESSION_MS;
  return (req, res, next) => {
    const key = req.query.key;
    if (key !== undefined) {
      if (typeof key !== "string" || !sameDigest(digest(key), expected)) {
        unauthorized(res, "The key in the address is not valid.");
        return;
      }
      res.cookie(DASHBOARD_COOKIE, sessions.issue(now() + sessionMs), {
        httpOnly: true,
        sameSite: "strict",
        secure: req.secure,
        path: req.baseUrl || "/",
        maxAge: sessionMs,
      });
      const target = withoutKey(req);
      res
        .type("html")
        .send(
          dashboardPage(
            "Signed in",
            html`<p>Signed in. <a href="${target}">Continue to the dashboard</a>.</p>`,
            { head: html`<meta http-equiv="refresh" content="0; url=${target}">` },
          ),
        );
      return;
    }
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(req.get("authorization") ?? "");
    if (bearer && sameDigest(digest(bearer[1]!), expected)) {
      next();
      return;
    }
    const session = cookie(req, DASHBOARD_COOKIE);
    if (session !== null && sessions.verify(session, now())) {
      next();
      return;
    }
    unauthorized(
      res,
      session !== null ? "Your dashboard session has expired." : "This page shows management data.",
    );
  };
}
