import type { DispatchSettings } from "@cadenza/core";

/** Where a worker's store lives. */
export type StoreTarget =
  | {
      kind: "postgres";
      url: string;
      schema: string;
      /**
       * `host`: the worker hands `postgresStore` a `pg.Pool` it owns, with an `error` listener.
       * `store`: `postgresStore(url)` opens its own pool.
       */
      pool: "host" | "store";
    }
  | { kind: "sqlite"; file: string };

/** Everything one worker process needs, passed as JSON on its command line. */
export interface WorkerConfig {
  name: string;
  store: StoreTarget;
  smtpPort: number;
  /** SMTP socket timeout (silence on an open connection), ms. */
  smtpSocketMs: number;
  dispatch: Partial<DispatchSettings>;
}

/** One line a worker prints on stdout. */
export type WorkerReport =
  | { type: "ready"; name: string; pid: number }
  | {
      type: "tick";
      name: string;
      pid: number;
      claimed: number;
      sent: number;
      retried: number;
      unknown: number;
      /** How long the tick took, ms. */
      ms: number;
    }
  | { type: "error"; name: string; code: string; message: string; context: string }
  | { type: "stopped"; name: string };
