import { ConfigError, readHostEnv } from "./config/host-config.js";
import { startHost } from "./host/start-host.js";

/** Starts the host from the environment and serves until SIGINT or SIGTERM. */
async function main(): Promise<void> {
  const env = readHostEnv(process.env);
  const host = await startHost(env);
  const lines = [
    `Cadenza host listening on ${host.url}`,
    `  store:      ${host.engine.store.description}`,
    `  transport:  ${host.engine.transport.description}`,
    host.engine.transport.catcher ? `  caught mail: ${host.url}/dev/mail` : null,
    `  links:      ${host.publicUrl}/api/track/…`,
    `  dispatcher: ${
      host.dispatch === "in-process"
        ? `in this process, every ${env.DISPATCH_POLL_MS / 1000}s when idle`
        : host.dispatch === "worker"
          ? "off here; run `pnpm --filter express-host cadenza worker`"
          : "manual: POST /api/dev/dispatch"
    }`,
    host.engine.simulatedClock
      ? `  clock:      simulated, now ${host.engine.simulatedClock.now().toISOString()} (POST /api/dev/clock)`
      : null,
    host.secrets.devFile && env.CADENZA_API_KEY === undefined
      ? `  API key:    ${host.secrets.apiKey}  (development key from ${host.secrets.devFile})`
      : null,
  ];
  for (const line of lines) if (line !== null) console.log(line);

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    console.log(`${signal}: finishing the batch in hand and closing…`);
    host.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
