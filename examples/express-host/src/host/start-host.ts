import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { DispatchReport, DispatchWorker } from "@cadenza/core";
import { createEngine, type HostEngine } from "../config/create-engine.js";
import { type HostSecrets, resolveSecrets } from "../config/dev-secrets.js";
import type { HostEnv } from "../config/host-config.js";
import { createApp } from "./create-app.js";

/** A host that is serving. */
export interface RunningHost {
  /** Where it listens, e.g. `http://127.0.0.1:3000`. */
  url: string;
  /** The base of tracking and unsubscribe links (`PUBLIC_URL`, or `url`). */
  publicUrl: string;
  secrets: HostSecrets;
  engine: HostEngine;
  dispatch: "in-process" | "worker" | "manual";
  server: Server;
  /**
   * Stops the dispatcher after the batch in hand, closes connections, waits for the writes of opens
   * and clicks already answered, then closes the transport and the store.
   */
  close(): Promise<void>;
}

function localUrl(host: string, port: number): string {
  const name = host === "0.0.0.0" || host === "::" ? "localhost" : host.includes(":") ? `[${host}]` : host;
  return `http://${name}:${port}`;
}

/**
 * Starts the web host: listens first (so `PORT=0` can pick a port and the tracking links know it),
 * then builds the engine and the app, then starts the dispatcher unless `DISPATCH=off` or the clock
 * is simulated (time moves only through `POST /api/dev/clock`, and passes run through
 * `POST /api/dev/dispatch`).
 *
 * ```ts
 * const host = await startHost(readHostEnv(process.env));
 * console.log(`listening on ${host.url}`);
 * ```
 */
export async function startHost(
  env: HostEnv,
  log: (line: string) => void = console.log,
): Promise<RunningHost> {
  const secrets = resolveSecrets(env);
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(env.PORT, env.HOST, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const url = localUrl(env.HOST, (server.address() as AddressInfo).port);
  const publicUrl = (env.PUBLIC_URL ?? url).replace(/\/+$/, "");
  let engine: HostEngine;
  try {
    engine = await createEngine(env, secrets, publicUrl);
  } catch (error) {
    server.close();
    throw error;
  }
  const dispatch = engine.simulatedClock
    ? env.DISPATCH === "on"
      ? "in-process"
      : "manual"
    : env.DISPATCH === "off"
      ? "worker"
      : "in-process";
  const { app, flushTracking } = createApp(engine, {
    apiKey: secrets.apiKey,
    inboundSecret: secrets.inboundSecret,
    publicUrl,
    dispatch,
    trustProxy: env.NODE_ENV === "production",
  });
  server.on("request", app);

  let worker: DispatchWorker | null = null;
  if (dispatch === "in-process") {
    worker = engine.cadenza.dispatch.start({
      onTick: (report) => {
        if (report.claimed > 0) log(formatDispatchReport(report));
      },
      onError: (error) => log(`dispatch failed: ${error.message}`),
    });
  }

  return {
    url,
    publicUrl,
    secrets,
    engine,
    dispatch,
    server,
    async close() {
      await worker?.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await flushTracking();
      await engine.close();
    },
  };
}

/** One line per dispatch pass that did something. */
export function formatDispatchReport(report: DispatchReport): string {
  return `dispatch: claimed ${report.claimed}, sent ${report.sent}, bounced ${report.bounced}, retried ${report.retried}, unknown ${report.unknown}, released ${report.released}`;
}
