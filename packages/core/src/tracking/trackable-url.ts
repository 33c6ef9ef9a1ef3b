/**
 * The URL a browser would follow for this href if it is an absolute http(s) URL with a host, else
 * null. Like the URL parser, strips leading and trailing C0 controls and spaces and drops tabs and
 * newlines anywhere.
 */
export function trackableUrl(href: string): string | null {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the URL parser strips exactly these.
  const cleaned = href.replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, "").replace(/[\t\n\r]/g, "");
  if (!/^https?:/i.test(cleaned)) return null;
  try {
    const parsed = new URL(cleaned);
    return parsed.hostname === "" ? null : cleaned;
  } catch {
    return null;
  }
}
