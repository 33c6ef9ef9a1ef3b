import { createHash } from "node:crypto";
import { createRenderer } from "@cadenza/core";
import { BENCH_MJML, benchValues } from "../workload/bench-campaign.js";

/** What a ceiling loop measured. */
export interface CeilingMeasure {
  leads: number;
  batches: number;
  seconds: number;
  perSecond: number;
}

/**
 * One email of the bench campaign, rendered once: the ceiling loops store these bytes in every row,
 * so they write as much as Cadenza does without rendering anything per email.
 */
export async function ceilingEmail(): Promise<{ html: string; text: string }> {
  const renderer = createRenderer();
  const compiled = await renderer.compile({ format: "mjml", subject: "Group bookings", body: BENCH_MJML });
  const out = renderer.render(compiled, benchValues(0), { seed: "ceiling" });
  if (!out.ok) throw new Error(`ceiling email misses ${out.missing.join(", ")}`);
  return { html: out.html, text: out.text };
}

/** A stable 50/50 variant per lead id. */
export function ceilingVariant(leadId: string): "A" | "B" {
  return (createHash("sha1").update(leadId).digest()[0]! & 1) === 0 ? "A" : "B";
}
