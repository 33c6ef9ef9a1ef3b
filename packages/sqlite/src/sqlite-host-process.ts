/**
 * A host process run by `sqlite-checkpoints.test.ts`: it writes until the checkpoint thread has run,
 * then either leaves the store open (`open`: the process must still exit on its own) or closes it
 * (`close`: the close must finish, although nothing else keeps the process alive), and prints the
 * store's checkpoint stats. With `thread`, the store runs in a worker thread: the process must
 * also stay alive while it awaits the thread's answers. Usage: `node --conditions=@cadenza/source
 * --import tsx sqlite-host-process.ts <file> open|close [thread]`.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { uuidV7Ids } from "@cadenza/core/runtime";
import { prospectsFixture } from "@cadenza/core/testing";
import { START_AFTER_COMMITS } from "./sqlite-checkpointer.js";
import { sqliteStore } from "./sqlite-store.js";

const [file, ending, thread] = process.argv.slice(2) as [string, "open" | "close", "thread" | undefined];
const store = sqliteStore(file, { migrate: true, thread: thread === "thread" });
const at = new Date("2030-03-04T09:00:00.000Z");
// One write transaction per prospect.
for (const prospect of prospectsFixture(uuidV7Ids(), START_AFTER_COMMITS + 10)) {
  await store.upsertProspects([prospect], at);
}
for (let waited = 0; store.checkpoints().runs === 0 && waited < 10_000; waited += 10) {
  await sleep(10);
  // A store in a thread reports its checkpoints with each answer.
  await store.getQuotaUsage("poll", "2030-03-04");
}
const stats = store.checkpoints();
if (ending === "close") await store.close();
process.stdout.write(JSON.stringify({ ...stats, closed: ending === "close" }));
