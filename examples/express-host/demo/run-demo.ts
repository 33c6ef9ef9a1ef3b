/**
 * The demo: starts the host with a simulated clock and the mail catcher, then plays two weeks of the
 * audit's campaign against it over HTTP, like any client would — create, import, enroll, activate,
 * then hour by hour move the clock, dispatch, and have recipients open, click, reply and unsubscribe
 * through the links in the mail they received. Prints what happened and keeps serving until Ctrl-C
 * (`--exit` stops after printing).
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { type ApiAnswer, apiClient, type CaughtMail, rawReply } from "./api-client.js";
import { auditCampaignBody } from "./audit-campaign.js";
import { chance, type PlannedEngagement, planEngagement, REPLIES } from "./engagement-plan.js";
import { type HostProcess, startHostProcess } from "./host-process.js";

const CLOCK_START = "2026-01-05T08:00:00Z"; // a Monday, an hour before the send window opens
const DAYS = 14;
const HOUR = 3_600_000;

type SentEmail = {
  id: string;
  to: string;
  step_number: number;
  variant: "A" | "B" | null;
  message_id: string;
};
type VariantRow = {
  variant: string;
  sent: number;
  opens: number;
  clicks: number;
  replies: number;
  unsubscribes: number;
  bounces: number;
  rates: { open_rate: number; click_rate: number; reply_rate: number };
};

function ok<T>(answer: ApiAnswer<T>, what: string): T {
  if (answer.status >= 400)
    throw new Error(`${what} failed (${answer.status}): ${JSON.stringify(answer.body)}`);
  return answer.body;
}

const percent = (rate: number) => `${(rate * 100).toFixed(1)}%`;
const day = (at: Date) =>
  at.toLocaleDateString("en-GB", { weekday: "short", day: "2-digit", month: "short", timeZone: "UTC" });

async function play(host: HostProcess, apiKey: string): Promise<void> {
  const api = apiClient(host.url, apiKey);

  const mailbox = ok(
    await api.post<{ mailbox: { id: string } }>("/api/mailboxes", {
      from_name: "Ana Costa",
      from_email: "ana@outreach.example",
      reply_to: "ana@outreach.example",
      daily_cap: 200,
    }),
    "Creating the mailbox",
  ).mailbox;
  const created = ok(
    await api.post<{ campaign: { id: string; name: string } }>("/api/outreach/campaigns", auditCampaignBody),
    "Creating the campaign",
  );
  const campaignId = created.campaign.id;
  console.log(`\nCreated campaign "${created.campaign.name}" (${campaignId})`);

  const csv = readFileSync(new URL("./prospects.csv", import.meta.url), "utf8");
  const imported = ok(
    await api.post<{
      imported: number;
      total: number;
      errors: { row: number; reason: string }[];
      prospect_ids: string[];
    }>("/api/prospects/import", csv, { "content-type": "text/csv" }),
    "Importing prospects",
  );
  console.log(`Imported ${imported.imported} of ${imported.total} prospects from demo/prospects.csv`);
  for (const error of imported.errors) console.log(`  skipped line ${error.row}: ${error.reason}`);

  const enrolled = ok(
    await api.post<{ added: number; skipped: number }>(`/api/campaigns/${campaignId}/leads`, {
      prospectIds: imported.prospect_ids,
      mailboxId: mailbox.id,
      variant: "random",
    }),
    "Enrolling",
  );
  console.log(`Enrolled ${enrolled.added} leads (${enrolled.skipped} skipped)`);
  ok(await api.post(`/api/outreach/campaigns/${campaignId}/activate`), "Activating");
  console.log(`Activated. Simulating ${DAYS} days from ${CLOCK_START}, one hour at a time:\n`);

  const mailById = new Map<string, CaughtMail>();
  const pending: { at: number; action: PlannedEngagement; mail: CaughtMail }[] = [];
  // The sixth prospect of the file unsubscribes from the first email.
  const unsubscriber = csv.split("\n")[6]!.split(",")[2]!;
  let now = new Date(CLOCK_START).getTime();
  const end = now + DAYS * 24 * HOUR;
  let tally = { sent: 0, open: 0, click: 0, reply: 0, unsubscribe: 0 };

  while (now < end) {
    ok(await api.post("/api/dev/clock", { advance: "PT1H" }), "Moving the clock");
    now += HOUR;

    for (const due of pending.filter((p) => p.at <= now)) {
      pending.splice(pending.indexOf(due), 1);
      const { action, mail } = due;
      if (action.kind === "open") await api.open(mail);
      else if (action.kind === "click") await api.click(mail);
      else if (action.kind === "unsubscribe") await api.unsubscribe(mail);
      else {
        const text = REPLIES[Math.floor(chance(mail.id, "reply") * REPLIES.length)]!;
        const answer = await fetch(`${host.url}/api/webhooks/inbound`, {
          method: "POST",
          headers: { "content-type": "message/rfc822", authorization: `Bearer ${apiKey}` },
          body: rawReply(mail, text, new Date(now)),
        });
        await answer.arrayBuffer();
      }
      tally[action.kind] += 1;
    }

    const pass = ok(
      await api.post<{ sent: number; emails: SentEmail[] }>("/api/dev/dispatch"),
      "Dispatching",
    );
    if (pass.sent > 0) {
      for (const mail of await api.caughtMail()) if (mail.message_id) mailById.set(mail.message_id, mail);
      for (const email of pass.emails) {
        const mail = mailById.get(email.message_id);
        if (!mail) throw new Error(`Email ${email.id} was sent but not caught`);
        for (const action of planEngagement(email, unsubscriber)) {
          pending.push({ at: now + action.afterHours * HOUR, action, mail });
        }
      }
      tally.sent += pass.sent;
    }

    if (new Date(now).getUTCHours() === 23) {
      const quiet = Object.values(tally).every((n) => n === 0);
      if (!quiet) {
        console.log(
          `  ${day(new Date(now))}  sent ${tally.sent}, opened ${tally.open}, clicked ${tally.click}, replied ${tally.reply}, unsubscribed ${tally.unsubscribe}`,
        );
      }
      tally = { sent: 0, open: 0, click: 0, reply: 0, unsubscribe: 0 };
    }
  }

  const analytics = ok(
    await api.get<{
      metrics: {
        steps: { step_number: number; variants: VariantRow[] }[];
        total: VariantRow;
        leads: { total: number; by_status: Record<string, number> };
      };
      ab_test: { steps: { step_number: number; replies: { verdict: string }; opens: { verdict: string } }[] };
    }>(`/api/campaigns/${campaignId}/analytics`),
    "Reading analytics",
  );
  printTable(analytics.metrics.steps, analytics.metrics.total);
  const leads = Object.entries(analytics.metrics.leads.by_status)
    .filter(([, n]) => n > 0)
    .map(([status, n]) => `${n} ${status}`)
    .join(", ");
  console.log(`\nLeads: ${leads}`);
  for (const test of analytics.ab_test.steps) {
    console.log(
      `A/B test, step ${test.step_number}: opens ${test.opens.verdict}, replies ${test.replies.verdict}`,
    );
  }

  const info = ok(
    await api.get<{ dashboard_url: string | null; mail_catcher_url: string | null }>("/api/info"),
    "Info",
  );
  console.log("");
  // The key in the address signs the browser in once; the dashboard then drops it from the address.
  if (info.dashboard_url)
    console.log(
      `Dashboard:    ${info.dashboard_url}/campaigns/${campaignId}?key=${encodeURIComponent(apiKey)}`,
    );
  if (info.mail_catcher_url) console.log(`Caught mail:  ${info.mail_catcher_url}`);
  console.log(`Campaign API: ${host.url}/api/outreach/campaigns/${campaignId}`);
  console.log(`              (header: Authorization: Bearer ${apiKey})`);
}

function printTable(steps: { step_number: number; variants: VariantRow[] }[], total: VariantRow): void {
  const header = [
    "Step",
    "Var",
    "Sent",
    "Opens",
    "Open %",
    "Clicks",
    "Replies",
    "Reply %",
    "Unsub",
    "Bounced",
  ];
  const rows = steps.flatMap((step) =>
    step.variants.map((v) => [
      String(step.step_number),
      v.variant,
      String(v.sent),
      String(v.opens),
      percent(v.rates.open_rate),
      String(v.clicks),
      String(v.replies),
      percent(v.rates.reply_rate),
      String(v.unsubscribes),
      String(v.bounces),
    ]),
  );
  rows.push([
    "All",
    "",
    String(total.sent),
    String(total.opens),
    percent(total.rates.open_rate),
    String(total.clicks),
    String(total.replies),
    percent(total.rates.reply_rate),
    String(total.unsubscribes),
    String(total.bounces),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  console.log(`\n${line(header)}\n${widths.map((w) => "─".repeat(w)).join("  ")}`);
  for (const row of rows) console.log(line(row));
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { exit: { type: "boolean", default: false } } });
  const folder = mkdtempSync(join(tmpdir(), "cadenza-demo-"));
  const apiKey = `demo-${randomBytes(12).toString("hex")}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "development",
    PORT: process.env.PORT ?? "0",
    CADENZA_DB: join(folder, "cadenza.db"),
    DATABASE_URL: "",
    SMTP_URL: "",
    PUBLIC_URL: "",
    CADENZA_API_KEY: apiKey,
    CADENZA_SECRET: randomBytes(32).toString("base64url"),
    CADENZA_FAKE_CLOCK: CLOCK_START,
    DISPATCH: "off",
    SENDER_EMAIL: "ana@outreach.example",
    SENDER_NAME: "Ana Costa",
    POSTAL_ADDRESS: "Cadenza Demo Ltd, 1 Example Street, 1100-001 Lisbon, Portugal",
  };
  const host = await startHostProcess(env, (line) => console.log(`  host │ ${line}`));
  let cleaning: Promise<number | null> | null = null;
  const cleanUp = () => {
    cleaning ??= host.stop().then((code) => {
      rmSync(folder, { recursive: true, force: true });
      return code;
    });
    return cleaning;
  };
  // Ctrl-C at any point stops the host too: it must not outlive the demo.
  const interrupted = new Promise<number>((resolve) => {
    const stop = () => void cleanUp().then(() => resolve(0));
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  const hostExited = new Promise<number>((resolve) => host.child.once("exit", (code) => resolve(code ?? 1)));

  const played = await Promise.race([
    play(host, apiKey).then(
      () => "played" as const,
      (error: unknown) => {
        console.error(error instanceof Error ? error.message : error);
        return "failed" as const;
      },
    ),
    interrupted.then(() => "interrupted" as const),
  ]);
  if (played !== "played") {
    await cleanUp();
    return played === "failed" ? 1 : 0;
  }
  if (values.exit) {
    await cleanUp();
    return 0;
  }
  console.log("\nServing until Ctrl-C.");
  return Promise.race([interrupted, hostExited]);
}

main().then((code) => process.exit(code));
