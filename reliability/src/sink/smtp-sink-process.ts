/**
 * The SMTP sink as its own process. Usage: `smtp-sink-process.ts '<json {logFile, faults}>'`.
 * Prints `{"port":N}` once listening; SIGTERM closes it.
 */
import { startSmtpSink } from "./smtp-sink.js";
import type { SinkFaults } from "./smtp-sink-faults.js";

const config = JSON.parse(process.argv[2] ?? "{}") as { logFile: string; faults: SinkFaults };
const sink = await startSmtpSink(config);
process.stdout.write(`${JSON.stringify({ port: sink.port })}\n`);
process.on("SIGTERM", () => {
  void sink.close().then(() => process.exit(0));
});
