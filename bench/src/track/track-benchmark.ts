import { type ChildHandle, runChild, startChild } from "../harness/child-process.js";
import type { BenchFlags } from "../harness/flags.js";
import { printQueryCounts } from "../harness/query-counter.js";
import { type BenchResult, compared } from "../harness/result.js";
import { expectEqual } from "../harness/validate.js";
import { createTempDatabase } from "../postgres/temp-database.js";
import type { BareServerReport } from "./bare-server.js";
import type { LoadReport } from "./http-load.js";
import { FLUSH_PATH, type TrackingServerReport, type TrackingTargets } from "./tracking-server.js";

const LOCATION = "https://cal.example.com/ana/intro";

/**
 * `track-open` / `track-click`: requests per second and p99 latency through Cadenza's HTTP handlers
 * over the Postgres store, against a bare `node:http` handler answering the same bytes without
 * storage; load from a second process. Cadenza's handlers answer before the write, so the server is
 * flushed after each load; afterwards the store must hold exactly one event per request answered.
 */
export function trackBenchmark(kind: "open" | "click") {
  return async (flags: BenchFlags): Promise<BenchResult[]> => {
    const db = await createTempDatabase(flags.databaseUrl, `track_${kind}`);
    const children: ChildHandle[] = [];
    try {
      const server = startChild(
        "cadenza-tracking-server",
        {
          store: { kind: "postgres", url: db.url, schema: "cadenza" },
          emails: flags.trackedEmails,
          countQueries: flags.countQueries,
        },
        flags,
      );
      children.push(server);
      const targets = (await server.ready) as TrackingTargets;
      const bare = startChild("bare-tracking-server", { location: LOCATION }, flags);
      children.push(bare);
      const bareTarget = (await bare.ready) as { port: number };

      const paths = kind === "open" ? targets.openPaths : targets.clickPaths;
      const status = kind === "open" ? "200" : "302";
      const warmup = Math.min(2_000, Math.ceil(flags.requests / 10));
      const load = async (port: number, amount: number) => {
        const { result } = await runChild<LoadReport>(
          "http-load",
          { port, paths, amount, connections: flags.connections },
          { profile: false },
        );
        expectEqual(`${kind} responses with status ${status}`, result.statuses[status] ?? 0, amount);
        expectEqual("connection errors", result.errors, 0);
        return result;
      };
      // Cadenza answers before its writes finish: each load's writes are flushed before the next
      // load starts, and the time the last writes took after the last answer is reported.
      const flush = async () =>
        Number(await (await fetch(`http://127.0.0.1:${targets.port}${FLUSH_PATH}`)).text());
      await load(targets.port, warmup);
      await flush();
      const ours = await load(targets.port, flags.requests);
      const flushMs = await flush();
      await load(bareTarget.port, warmup);
      const theirs = await load(bareTarget.port, flags.requests);

      server.go();
      bare.go();
      const recorded = (await server.done).result as TrackingServerReport;
      const answered = (await bare.done).result as BareServerReport;
      // Let both exit on their own: a process killed before it exits writes no `--profile`.
      await Promise.all(children.map(exited));
      if (recorded.queries)
        printQueryCounts(`track-${kind}`, recorded.queries, warmup + flags.requests, "request");
      expectEqual("errors the engine recovered from", recorded.recovered.join("; "), "");
      expectEqual(
        `${kind} events recorded`,
        kind === "open" ? recorded.opened : recorded.clicked,
        warmup + flags.requests,
      );
      expectEqual("requests the bare server answered", answered.answered, warmup + flags.requests);

      const details = {
        requests: flags.requests,
        connections: flags.connections,
        emails: flags.trackedEmails,
        seconds: ours.seconds,
        reference_seconds: theirs.seconds,
        p50_ms: ours.p50Ms,
        reference_p50_ms: theirs.p50Ms,
        flush_ms: Math.round(flushMs),
        events_recorded: warmup + flags.requests,
      };
      return [
        compared(
          `track-${kind}`,
          ours.perSecond,
          "req/s",
          { name: "bare node:http", value: theirs.perSecond },
          0.5,
          details,
        ),
        compared(
          `track-${kind} p99`,
          ours.p99Ms,
          "ms",
          { name: "bare node:http p99", value: theirs.p99Ms },
          null,
          {
            note: "latency: lower is better; no target",
          },
        ),
      ];
    } finally {
      for (const child of children) if (child.process.exitCode === null) child.process.kill();
      await db.drop();
    }
  };
}

/** Resolves when the child process has exited. */
function exited(child: ChildHandle): Promise<void> {
  return new Promise((resolve) => {
    if (child.process.exitCode !== null || child.process.signalCode !== null) resolve();
    else child.process.once("exit", () => resolve());
  });
}
