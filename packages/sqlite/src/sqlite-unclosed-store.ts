/**
 * A host that never closes its store, run as its own process by `sqlite-checkpoints.test.ts`: it
 * writes until the checkpoint thread has run, prints the store's checkpoint stats and returns. The
 * process must then exit on its own. Usage: `node --conditions=@cadenza/source --import tsx
 * sqlite-unclosed-store.ts <file>`.
 */
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { START_AFTER_COMMITS } from "./sqlite-checkpointer.js";
import { sqliteStore } from "./sqlite-store.js";

const [file] = process.argv.slice(2) as [string];
const store = sqliteStore(file, { migrate: true });
const at = new Date("2030-03-04T09:00:00.000Z");
for (let i = 0; i < START_AFTER_COMMITS + 10; i++) {
  const prospect = {
    id: randomUUID(),
    email: `p${i}@unclosed.example`,
    firstName: null,
    lastName: null,
    title: null,
    company: null,
    city: null,
    country: null,
    timezone: null,
    tier: null,
    stage: null,
    source: null,
    tags: [],
    score: 0,
    archived: false,
    attributes: {},
  };
  await store.upsertProspects([prospect], at);
}
for (let waited = 0; store.checkpoints().runs === 0 && waited < 10_000; waited += 10) await sleep(10);
process.stdout.write(JSON.stringify(store.checkpoints()));
