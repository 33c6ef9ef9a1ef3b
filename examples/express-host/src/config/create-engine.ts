import { type Cadenza, type Clock, createCadenza } from "@cadenza/core";
import { cryptoRandom, systemClock, uuidV7Ids } from "@cadenza/core/runtime";
import { FakeClock } from "@cadenza/core/testing";
import { createStore, type HostStore } from "./create-store.js";
import { createTransport, type HostTransport } from "./create-transport.js";
import type { HostSecrets } from "./dev-secrets.js";
import type { HostEnv } from "./host-config.js";

/** Path of the open and click routes under the public URL; the engine's links point there. */
export const TRACKING_PATH = "/api/track";

/** For commands that never send (import, audit): refuses every message instead of opening a connection. */
function noTransport(): HostTransport {
  return {
    transport: {
      name: "none",
      send: async () => ({
        status: "rejected",
        kind: "transport",
        code: "NO_TRANSPORT",
        response: "This command does not send",
      }),
    },
    catcher: null,
    description: "none",
    close: async () => {},
  };
}

/** The engine with the store, transport and clock it was built on. */
export interface HostEngine {
  cadenza: Cadenza;
  store: HostStore;
  transport: HostTransport;
  /** Set when `CADENZA_FAKE_CLOCK` is: the clock the dev routes move. */
  simulatedClock: FakeClock | null;
  close(): Promise<void>;
}

/**
 * Builds the engine from the configuration: the store, the transport (or mail catcher), the clock,
 * and tracking links under `<publicUrl>/api/track`. Shared by the web host and the CLI; `sends: false`
 * skips the transport for commands that never send.
 */
export async function createEngine(
  env: HostEnv,
  secrets: HostSecrets,
  publicUrl: string,
  options: { sends?: boolean } = {},
): Promise<HostEngine> {
  const store = await createStore(env);
  const transport =
    options.sends === false
      ? noTransport()
      : await createTransport(env).catch(async (error: unknown) => {
          await store.store.close?.();
          throw error;
        });
  const simulatedClock = env.CADENZA_FAKE_CLOCK ? new FakeClock(env.CADENZA_FAKE_CLOCK) : null;
  const system = systemClock();
  // A simulated clock still yields on the real event loop, so the host serves requests while it
  // dispatches whatever time it shows.
  const clock: Clock = simulatedClock
    ? {
        now: () => simulatedClock.now(),
        sleep: (ms, signal) => simulatedClock.sleep(ms, signal),
        yield: () => system.yield!(),
      }
    : system;
  const cadenza = createCadenza({
    store: store.store,
    transport: transport.transport,
    clock,
    random: cryptoRandom(),
    ids: uuidV7Ids(clock),
    sender: { name: env.SENDER_NAME, email: env.SENDER_EMAIL },
    customVariables: env.CADENZA_CUSTOM_VARIABLES,
    tracking: {
      baseUrl: `${publicUrl.replace(/\/+$/, "")}${TRACKING_PATH}`,
      unsubscribeBaseUrl: `${publicUrl.replace(/\/+$/, "")}/api/unsubscribe`,
      secrets: [secrets.trackingSecret],
      footer: env.POSTAL_ADDRESS ? { postalAddress: env.POSTAL_ADDRESS } : null,
    },
    dispatch: { pollIntervalMs: env.DISPATCH_POLL_MS },
  });
  return {
    cadenza,
    store,
    transport,
    simulatedClock,
    async close() {
      await transport.close();
      await store.store.close?.();
    },
  };
}
