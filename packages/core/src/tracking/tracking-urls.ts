import { z } from "zod";
import { parseInput } from "../errors.js";

/** The public URLs of the tracking routes, built from one base URL (a custom tracking domain). */
export interface TrackingUrls {
  open(token: string): string;
  click(token: string): string;
  unsubscribe(token: string): string;
}

/**
 * Builds tracking URLs under `baseUrl`, matching the routes of `@cadenza/http`
 * (`/open/:token`, `/click/:token`, `/unsubscribe/:token`).
 *
 * ```ts
 * const urls = createTrackingUrls("https://track.example.com/t");
 * urls.click(token); // "https://track.example.com/t/click/<token>"
 * ```
 */
export function createTrackingUrls(baseUrl: string): TrackingUrls {
  const base = parseInput(
    z.url({ protocol: /^https?$/ }).refine((u) => !/[?#]/.test(u), "must not have a query or fragment"),
    baseUrl,
    ["baseUrl"],
  ).replace(/\/+$/, "");
  return {
    open: (token) => `${base}/open/${token}`,
    click: (token) => `${base}/click/${token}`,
    unsubscribe: (token) => `${base}/unsubscribe/${token}`,
  };
}
