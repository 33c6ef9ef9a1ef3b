/**
 * The raw message of an inbound post: the body itself (`message/rfc822`, `text/plain`, anything),
 * or the raw-MIME field of a provider's webhook — `email` (SendGrid Inbound Parse with "POST the
 * raw, full MIME message"), `body-mime` (Mailgun routes to a URL ending in `mime`) or `RawEmail`
 * (Postmark with raw content included). Null when a form or JSON body has none of them.
 */
export async function rawMessageOf(
  contentType: string | null,
  body: Uint8Array,
): Promise<Uint8Array | string | null> {
  const type = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  if (type === "multipart/form-data" || type === "application/x-www-form-urlencoded") {
    let form: FormData;
    try {
      form = await new Response(new Uint8Array(body), {
        headers: { "Content-Type": contentType! },
      }).formData();
    } catch {
      return null;
    }
    for (const field of ["email", "body-mime"]) {
      const value = form.get(field);
      if (typeof value === "string") return value;
      if (value !== null) return new Uint8Array(await value.arrayBuffer());
    }
    return null;
  }
  if (type === "application/json") {
    try {
      const json: unknown = JSON.parse(new TextDecoder().decode(body));
      const raw = json && typeof json === "object" ? (json as Record<string, unknown>).RawEmail : undefined;
      return typeof raw === "string" ? raw : null;
    } catch {
      return null;
    }
  }
  return body;
}
