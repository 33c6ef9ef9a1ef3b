const encoder = new TextEncoder();

/**
 * True when the request carries the inbound secret: as a bearer token, as the password of HTTP
 * Basic credentials (any user name; what most inbound-mail providers can put in the URL they post
 * to), or as a `secret` query parameter. Compared as SHA-256 digests, in time that does not depend
 * on where they differ.
 */
export async function hasInboundSecret(request: Request, url: URL, secret: string): Promise<boolean> {
  const header = request.headers.get("authorization") ?? "";
  const candidates: string[] = [];
  const bearer = /^Bearer\s+(.+)$/i.exec(header);
  if (bearer) candidates.push(bearer[1]!.trim());
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header);
  if (basic) {
    try {
      const decoded = atob(basic[1]!);
      candidates.push(decoded.slice(decoded.indexOf(":") + 1));
    } catch {
      // Not base64: no credential.
    }
  }
  const query = url.searchParams.get("secret");
  if (query !== null) candidates.push(query);
  const expected = await digest(secret);
  let ok = false;
  for (const candidate of candidates) {
    if (equalDigests(await digest(candidate), expected)) ok = true;
  }
  return ok;
}

async function digest(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(text)));
}

function equalDigests(a: Uint8Array, b: Uint8Array): boolean {
  let difference = a.length ^ b.length;
  for (let i = 0; i < a.length; i++) difference |= a[i]! ^ (b[i] ?? 0);
  return difference === 0;
}
