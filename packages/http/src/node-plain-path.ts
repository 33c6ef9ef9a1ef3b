import type { IncomingMessage, ServerResponse } from "node:http";
import type { NodeAdapterOptions } from "./node-handler.js";
import { clientAddress, hasUsableOrigin, headerText, plainPathname, toWebRequest } from "./node-request.js";
import { answerBadRequest, writePlain } from "./node-response.js";
import type { PlainResponse, PlainServe } from "./plain-http.js";

/**
 * Serves a GET or HEAD whose target is a plain path through the handlers' plain path and answers
 * true; false (nothing done) for anything else, which `serveNode` serves through `fetch`.
 */
export function servePlainNode(
  serve: PlainServe,
  req: IncomingMessage,
  res: ServerResponse,
  options: NodeAdapterOptions,
  url: string | undefined,
): boolean {
  const method = req.method;
  if (method !== "GET" && method !== "HEAD") return false;
  const pathname = plainPathname(url);
  if (pathname === null || !hasUsableOrigin(req, options)) return false;
  let web: Request | undefined;
  void answerPlain(
    serve({
      method,
      pathname,
      header: (name) => headerText(req.headers[name]),
      ip: clientAddress(req, options),
      web: () => {
        web ??= toWebRequest(req, options, undefined, url) as Request;
        return web;
      },
    }),
    req,
    res,
    method === "HEAD",
  );
  return true;
}

async function answerPlain(
  answer: Promise<PlainResponse>,
  req: IncomingMessage,
  res: ServerResponse,
  head: boolean,
): Promise<void> {
  try {
    writePlain(res, await answer, head);
  } catch {
    await answerBadRequest(req, res);
  }
}
