/**
 * A request as the tracking routes read it: enough for opens, clicks and pages without building a web
 * `Request`, which a body or a host's hook can still ask for.
 */
export interface PlainRequest {
  /** Upper-case. */
  method: string;
  /** As the URL parser normalises it (`new URL(…).pathname`). */
  pathname: string;
  /** A header's value as `Headers.get` gives it; `name` is lower-case. */
  header(name: string): string | null;
  /** The client address the adapter saw. */
  ip: string | null;
  /** The web `Request` (built on first call by adapters that did not start from one). */
  web(): Request;
}

/**
 * A response as the tracking routes build it. Header names are lower-case and sorted, the order a
 * `Headers` iterates them, so the node adapters write the same bytes from it as from its `Response`.
 */
export interface PlainResponse {
  status: number;
  headers: Readonly<Record<string, string>>;
  body: Uint8Array | string | null;
}

/** Serves a plain request: what `createTrackingHandlers` builds its `fetch` on. */
export type PlainServe = (request: PlainRequest) => Promise<PlainResponse>;

// Which handler objects have a plain path, kept out of their public shape: a wrapped or foreign
// handler is served through `fetch`.
const plainServers = new WeakMap<object, PlainServe>();

/** Records that `handlers.fetch` is `serve` wrapped in web objects. */
export function registerPlainServe(handlers: object, serve: PlainServe): void {
  plainServers.set(handlers, serve);
}

/** The plain path of handlers made by `createTrackingHandlers`, if `handler` is one. */
export function plainServeOf(handler: object): PlainServe | undefined {
  return plainServers.get(handler);
}

/** The web `Response` of a plain one. */
export function toWebResponse(response: PlainResponse): Response {
  return new Response(response.body as BodyInit | null, {
    status: response.status,
    headers: response.headers,
  });
}

/** Header names lower-cased and sorted (a later name replaces an earlier one), as `Headers` keeps them. */
export function canonicalHeaders(...records: Readonly<Record<string, string>>[]): Record<string, string> {
  const merged = new Map<string, string>();
  for (const record of records) {
    for (const [name, value] of Object.entries(record)) merged.set(name.toLowerCase(), value);
  }
  return Object.fromEntries([...merged].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
