import { CASES } from "../cases.js";
import type { ChildMessage } from "./child-process.js";

let finished = false;
// A child must not outlive the run that started it.
process.on("disconnect", () => {
  if (!finished) process.exit(1);
});

const send = (message: ChildMessage) =>
  new Promise<void>((resolve, reject) =>
    process.send!(message, (error: Error | null) => (error ? reject(error) : resolve())),
  );

const [name, raw] = process.argv.slice(2) as [string, string];
const load = CASES[name];

/** Tells the parent this case is set up and waits until it says go: the measured part starts then. */
async function ready(info?: unknown): Promise<void> {
  const go = new Promise<void>((resolve) => {
    process.on("message", (message: { type?: string }) => {
      if (message.type === "go") resolve();
    });
  });
  await send({ type: "ready", info });
  await go;
}

try {
  if (!load) throw new Error(`No case named ${name}`);
  const run = await load();
  const result = await run(JSON.parse(raw) as never, ready);
  await send({ type: "done", result, peakRssBytes: process.resourceUsage().maxRSS * 1024 });
  finished = true;
  process.disconnect();
  // A case that left a handle open must still end.
  setTimeout(() => process.exit(), 5_000).unref();
} catch (error) {
  const e = error instanceof Error ? error : new Error(String(error));
  await send({ type: "failed", error: e.stack ?? e.message, name: e.name }).catch(() => {});
  finished = true;
  process.exitCode = 1;
  process.disconnect();
}
