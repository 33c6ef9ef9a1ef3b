import { createScenarioEnvironment, FAST_DISPATCH } from "../run/scenario-environment.js";
import { outcomeCounts, resultFromVerdict, type ScenarioResult } from "../run/scenario-result.js";
import { seedCampaigns } from "../run/seed-campaigns.js";
import { WorkerFleet, waitForDrain } from "../run/worker-fleet.js";
import { readSinkLog, refusalsByKind } from "../sink/sink-log.js";
import { ALWAYS_BUSY_PREFIX, type SinkFaults } from "../sink/smtp-sink-faults.js";
import { openStore } from "../stores/open-store.js";
import { readSnapshot } from "../stores/store-snapshot.js";

/**
 * The sink refuses at random (421/451 at RCPT TO: throttles of the sender, 550 5.1.1 hard for
 * addresses that do not exist), answers always-busy mailboxes 451 4.2.1 after DATA, drops
 * connections mid-DATA and stalls past the lease. Throttles must hold the sender and never fail a
 * lead; the busy mailboxes' soft failures must be retried with bounded backoff and end failed with
 * their reason; hard ones bounce and suppress; a stall must end in `unknown`
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
    ? { throttle: 0.05, dropMidData: 0.02, stall: 0, stallMs: 0, ackLoss: 0.02 }
    : { throttle: 0.08, dropMidData: 0.03, stall: 0.005, stallMs: 7000, ackLoss: 0 };
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
    // Each always-busy lead fails with its mailbox's 4.2.1, unless a stall cut off its batch and the
    // steps it passed went unknown. The random 421/451 at RCPT throttle the sender: they never count
    // against a lead, so no other lead fails.
    const unknownLeads = new Set(snapshot.emails.filter((e) => e.status === "unknown").map((e) => e.leadId));
    const busyFailed = busyLeads.filter(
      (l) => l.status === "failed" && /\b4\.2\.1\b/.test(l.lastError ?? ""),
    );
    const failedElse = snapshot.leads.filter((l) => l.status === "failed" && !busyFailed.includes(l));
    if (failedElse.length > 0)
      problems.push(
        `failed-by-sender-side: ${failedElse.length} leads failed, the first with ${failedElse[0]!.lastError}`,
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
