/**
 * One dispatcher as its own process: the real engine, the real SMTP transport to the sink and a real
 * store, run by `cadenza.dispatch.start()` until SIGTERM (or SIGKILL, which is the point).
 * Usage: `dispatch-worker-process.ts '<json WorkerConfig>'`. Prints one JSON `WorkerReport` per line.
 */
import { CadenzaError, coerceError, createCadenza } from "@cadenza/core";
import { systemRuntime } from "@cadenza/core/runtime";
import { smtpTransport } from "@cadenza/smtp";
import { openStore } from "../stores/open-store.js";
import type { WorkerConfig, WorkerReport } from "./worker-config.js";

const config = JSON.parse(process.argv[2] ?? "{}") as WorkerConfig;
const report = (line: WorkerReport) => process.stdout.write(`${JSON.stringify(line)}\n`);
const reportError = (error: unknown, context: string) => {
  const e = coerceError(error);
  report({
    type: "error",
    name: config.name,
    code: e instanceof CadenzaError ? e.code : e.name,
    message: e.message.slice(0, 300),
    context,
  });
};

const store = openStore(config.store, (error) => reportError(error, "pool connection"));
const transport = smtpTransport({
  fromName: "Ana Lima",
  fromEmail: "ana@sender.test",
  host: "127.0.0.1",
  port: config.smtpPort,
  secure: false,
  ehloName: "worker.sender.test",
  pool: { maxConnections: 4, maxMessages: 1000 },
  timeouts: { connectionMs: 2000, greetingMs: 2000, socketMs: config.smtpSocketMs },
});
const cadenza = createCadenza({
  store,
  transport,
  sender: { name: "Ana Lima", email: "ana@sender.test" },
  messageIdDomain: "sender.test",
  dispatch: config.dispatch,
  onError: reportError,
  ...systemRuntime(),
});
// Every tick is reported, idle ones too: the harness knows a worker is idle only by hearing it tick.
let tickStarted = Date.now();
const worker = cadenza.dispatch.start({
  onTick: (r) => {
    const ms = Date.now() - tickStarted;
    tickStarted = Date.now();
    report({
      type: "tick",
      name: config.name,
      pid: process.pid,
      ms,
      claimed: r.claimed,
      sent: r.sent,
      retried: r.retried,
      unknown: r.unknown,
    });
  },
  onError: (error) => {
    tickStarted = Date.now();
    reportError(error, "tick");
  },
});
report({ type: "ready", name: config.name, pid: process.pid });

process.on("SIGTERM", () => {
  void (async () => {
    await worker.stop();
    await transport.close();
    await store.close();
    report({ type: "stopped", name: config.name });
    process.exit(0);
  })();
});
