import type { IncomingMessage, ServerResponse } from "node:http";
import type { PlainResponse } from "./plain-http.js";

/**
 * Writes a plain response exactly as `writeResponse` writes its `Response`: the same header lines in
 * the same order, `Content-Length` where it puts one.
 */
export function writePlain(res: ServerResponse, response: PlainResponse, head: boolean): void {
  const { status, headers, body } = response;
  if (head) {
    res.writeHead(status, headers);
    res.end();
  } else if (body === null) {
    // Headers kept unsent, so `end()` adds `Content-Length: 0` where it does for `writeResponse`.
    res.statusCode = status;
    for (const name in headers) res.setHeader(name, headers[name]!);
    res.end();
  } else {
    const length = String(typeof body === "string" ? Buffer.byteLength(body) : body.byteLength);
    res.writeHead(
      status,
      headers["content-length"] === length ? headers : { ...headers, "content-length": length },
    );
    res.end(body);
  }
}

/** A request that cannot even be turned into a web Request (bad URL, bad header) is the client's. */
export async function answerBadRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (!res.headersSent)
    await writeResponse(res, new Response("Bad Request", { status: 400 }), req).catch(() => {});
  else res.destroy();
}

/** Writes a web `Response`, without its body for HEAD, with `Content-Length`. */
export async function writeResponse(
  res: ServerResponse,
  response: Response,
  req: IncomingMessage,
): Promise<void> {
  res.statusCode = response.status;
  response.headers.forEach((value, name) => {
    res.setHeader(name, value);
  });
  if (req.method?.toUpperCase() === "HEAD" || response.body === null) {
    await response.body?.cancel();
    res.end();
    return;
  }
  const bytes = new Uint8Array(await response.arrayBuffer());
  res.setHeader("content-length", String(bytes.byteLength));
  res.end(bytes);
}
