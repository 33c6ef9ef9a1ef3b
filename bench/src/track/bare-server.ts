import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { PIXEL_GIF } from "@cadenza/http";

const NO_STORE = {
  "Cache-Control": "no-store, no-cache, must-revalidate, private",
  Pragma: "no-cache",
  Expires: "0",
};

/** The ceiling of a tracking endpoint: what a reference measured. */
export interface BareServerReport {
  answered: number;
}

/**
 * A bare `node:http` handler answering the same GIF and redirect as Cadenza's tracking routes, with
 * the same headers, and storing nothing: the ceiling any tracking endpoint on this machine can reach.
 * Serves until the parent says go, then reports how many requests it answered.
 */
export async function bareTrackingServer(
  params: { location: string },
  ready: (info: { port: number }) => Promise<void>,
): Promise<BareServerReport> {
  let answered = 0;
  const server = createServer((req, res) => {
    answered += 1;
    const url = req.url ?? "/";
    if (url.startsWith("/t/open/")) {
      res.writeHead(200, {
        ...NO_STORE,
        "Content-Type": "image/gif",
        "Content-Length": PIXEL_GIF.byteLength,
      });
      res.end(PIXEL_GIF);
    } else if (url.startsWith("/t/click/")) {
      res.writeHead(302, { ...NO_STORE, Location: params.location, "Referrer-Policy": "no-referrer" });
      res.end();
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  await ready({ port: (server.address() as AddressInfo).port });
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return { answered };
}
