import { createScenarioEnvironment, FAST_DISPATCH } from "../run/scenario-environment.js";
import { outcomeCounts, resultFromVerdict, type ScenarioResult } from "../run/scenario-result.js";
import { seedCampaigns } from "../run/seed-campaigns.js";
import { WorkerFleet, waitForDrain } from "../run/worker-fleet.js";
import { readSinkLog, refusalsByKind } from "../sink/sink-log.js";
import { ALWAYS_BUSY_PREFIX, type SinkFaults } from "../sink/smtp-sink-faults.js";
import { openStore } from "../stores/open-store.js";
import { readSnapshot } from "../stores/store-snapshot.js";

/**
 * The sink refuses at random (421/451 soft, 550 5.1.1 hard for addresses that do not exist), drops
 * connections mid-DATA and stalls past the lease. Soft failures must be retried with bounded backoff
 * and end sent or failed with a reason; hard ones bounce and suppress; a stall must end in `unknown`
 * (its socket timeout), never in a second send, and cost its batch nothing more: the batch renews its
 * leases while it waits.
 *
 * With `ackLoss`, the sink also accepts messages whose 250 never reaches the client, and the SMTP
 * timeout is shorter than the lease (as with the defaults: 60 s against 5 minutes): this is where a
 * transport error after DATA is retried as if nothing had left.
 */
export async function runFaultyTransport(
  leads: number,
  options: { ackLoss: boolean },
): Promise<ScenarioResult> {
  const started = Date.now();
  const name = options.ackLoss ? "faulty-transport-ack-loss" : "faulty-transport";
  const env = await createScenarioEnvironment(name, "postgres");
  const faults: SinkFaults = options.ackLoss
    ? { soft: 0.05, dropMidData: 0.02, stall: 0, stallMs: 0, ackLoss: 0.02 }
    : { soft: 0.08, dropMidData: 0.03, stall: 0.005, stallMs: 7000, ackLoss: 0 };
  const sink = await env.startSink(faults);
  try {
    const store = openStore(env.target);
    const campaigns = await seedCampaigns(store, [
      { leads, dailyLimit: 1_000_000, hardEvery: 25, busyEvery: 50 },
    ]);
    await store.close();
    const dispatch = { ...FAST_DISPATCH, batchSize: 10, leaseMs: options.ackLoss ? 5000 : 3500 };
    // Without ack loss the SMTP timeout outlasts the lease: the batch holds its leads by renewing them.
    const smtpSocketMs = options.ackLoss ? 1500 : 5000;
    const fleet = new WorkerFleet({ store: env.target, smtpPort: sink.port, smtpSocketMs, dispatch }, 3);
    fleet.start();
    await waitForDrain(env.target, fleet, {
      abort: () => sink.crashed() !== null,
      deadline: Date.now() + 600_000,
      quietMs: 8000,
    });
    await fleet.stop();

    const verdict = await env.verify(campaigns);
    const problems = fleet.log.crashes.map((c) => `worker-crashed: ${c.name} exited ${c.code ?? c.signal}`);
    if (sink.crashed()) problems.push(`sink-crashed: ${sink.crashed()}`);
    const sinkLog = readSinkLog(env.sinkLog);
    const busyTries = new Map<string, number>();
    for (const e of sinkLog) {
      if (e.event === "refused" && e.how === "busy" && e.key)
        busyTries.set(e.key, (busyTries.get(e.key) ?? 0) + 1);
    }
    const maxBusyTries = Math.max(0, ...busyTries.values());
    if (maxBusyTries > dispatch.maxSoftAttempts!)
      problems.push(
        `soft-retries-unbounded: one step of an always-busy address was tried ${maxBusyTries} times`,
      );
    // A stall outlasts the lease, which its batch renews: one unknown outcome (the stalled send's)
    // per stall. A connection dropped mid-DATA (or an acknowledgement lost) may have delivered the
    // message, so each is one unknown outcome of its own, never a retry.
    const stalls = sinkLog.filter((e) => e.event === "refused" && e.how === "stall").length;
    const broken = sinkLog.filter(
      (e) => (e.event === "refused" && e.how === "drop") || e.how === "ack-loss",
    ).length;
    const bound = stalls + broken;
    if (verdict.unknown > bound)
      problems.push(`unknown-over-bound: ${verdict.unknown} > stalls + broken sessions = ${bound}`);
    const snapshot = await readSnapshot(env.target);
    const busyLeads = snapshot.leads.filter((l) =>
      (snapshot.prospectEmailByLead.get(l.id) ?? "").startsWith(ALWAYS_BUSY_PREFIX),
    );
    // Each always-busy lead fails with a temporary reason — the busy 4.2.1, or a random 421/451 at
    // RCPT — unless a stall cut off its batch and the steps it passed went unknown.
    const unknownLeads = new Set(snapshot.emails.filter((e) => e.status === "unknown").map((e) => e.leadId));
    const busyFailed = busyLeads.filter(
      (l) => l.status === "failed" && /\b4\.\d\.\d\b/.test(l.lastError ?? ""),
    );
    const busyElse = busyLeads.filter((l) => !busyFailed.includes(l) && !unknownLeads.has(l.id));
    if (busyElse.length > 0)
      problems.push(
        `busy-not-failed: ${busyElse.length} always-busy leads did not fail with a temporary reason`,
      );
    for (const r of fleet.log.reports)
      if (r.type === "error" && r.context === "tick")
        problems.push(`tick-error: ${r.name} ${r.code} ${r.message}`);
    // A stalled attempt was never accepted (the sink stalls after DATA). The socket timeout ends it
    // once the session is under way, so it is unknown and never tried again; a later acceptance of
    // the same step (counted here) would be a second try.
    const stalledKeys = new Set(
      sinkLog.flatMap((e) => (e.event === "refused" && e.how === "stall" && e.key ? [e.key] : [])),
    );
    const stalledThenAccepted = sinkLog.filter(
      (e) => e.event === "accepted" && e.key && stalledKeys.has(e.key),
    ).length;
    const ackLost = sinkLog.filter((e) => e.event === "accepted" && e.how === "ack-loss").length;
    const refusals = Object.entries(refusalsByKind(sinkLog))
      .map(([k, n]) => `${k}:${n}`)
      .join(" ");
    return resultFromVerdict(name, verdict, {
      kills: 0,
      started,
      problems,
      details: `${outcomeCounts(verdict)} refusals=[${refusals}] ack_lost=${ackLost} stalls=${stalledKeys.size} stalled_then_accepted=${stalledThenAccepted} busy_failed=${busyFailed.length}/${busyLeads.length} busy_max_tries=${maxBusyTries}/${dispatch.maxSoftAttempts}`,
    });
  } finally {
    await sink.stop();
    await env.dispose();
  }
}
