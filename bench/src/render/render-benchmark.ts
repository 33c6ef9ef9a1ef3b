import { runChild } from "../harness/child-process.js";
import type { BenchFlags } from "../harness/flags.js";
import { type BenchResult, compared } from "../harness/result.js";
import type { RenderMeasure } from "./render-cases.js";

/** `render`: personalized MJML emails per second, compiled once, against `mjml` compiling each email. */
export async function renderBenchmark(flags: BenchFlags): Promise<BenchResult[]> {
  const ours = await runChild<RenderMeasure>("render-core", { emails: flags.renderEmails }, flags);
  const theirs = await runChild<RenderMeasure>("render-mjml", { emails: flags.mjmlEmails }, flags);
  return [
    compared(
      "render",
      ours.result.perSecond,
      "emails/s",
      { name: "mjml per email", value: theirs.result.perSecond },
      100,
      {
        emails: ours.result.emails,
        seconds: ours.result.seconds,
        reference_emails: theirs.result.emails,
        reference_seconds: theirs.result.seconds,
        peak_rss_mb: ours.peakRssBytes / 2 ** 20,
      },
    ),
  ];
}
