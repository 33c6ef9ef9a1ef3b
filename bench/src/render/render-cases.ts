import { performance } from "node:perf_hooks";
import { createRenderer } from "@cadenza/core";
import mjml2html from "mjml";
import { expectEqual, expectThat } from "../harness/validate.js";
import { BENCH_MJML, benchValues } from "../workload/bench-campaign.js";

/** What a render case measured. */
export interface RenderMeasure {
  emails: number;
  seconds: number;
  perSecond: number;
  bytes: number;
}

const SUBJECT = "Group bookings at {{company}}";

/** Checks one email carries every value of its prospect and no template syntax. */
function expectPersonalized(html: string, i: number): void {
  const values = benchValues(i);
  for (const [name, value] of Object.entries(values)) {
    expectThat(html.includes(value), `email ${i} lacks its ${name} (${value})`);
  }
  expectThat(!html.includes("{{"), `email ${i} still contains template syntax`);
}

/**
 * The core renderer: MJML compiled once, then one string build per email. Every email is checked for
 * its own values.
 */
export async function renderCore(
  params: { emails: number },
  ready: () => Promise<void>,
): Promise<RenderMeasure> {
  const renderer = createRenderer();
  const compiled = await renderer.compile({ format: "mjml", subject: SUBJECT, body: BENCH_MJML });
  for (let i = 0; i < 1_000; i++) renderer.render(compiled, benchValues(i), { seed: `warm${i}` });
  await ready();
  const started = performance.now();
  let bytes = 0;
  for (let i = 0; i < params.emails; i++) {
    const out = renderer.render(compiled, benchValues(i), { seed: `lead${i}` });
    if (!out.ok) throw new Error(`email ${i} misses ${out.missing.join(", ")}`);
    bytes += out.html.length + out.text.length;
    // Sampled so the check does not weigh on the figure; the first and last always.
    if (i % 97 === 0 || i === params.emails - 1) expectPersonalized(out.html, i);
  }
  const seconds = (performance.now() - started) / 1000;
  expectThat(bytes > params.emails * 1_000, "rendered emails are implausibly small");
  return { emails: params.emails, seconds, perSecond: params.emails / seconds, bytes };
}

/** `mjml` per email: the template personalized as text, then compiled, as a host without a compile cache does. */
export async function renderMjml(
  params: { emails: number },
  ready: () => Promise<void>,
): Promise<RenderMeasure> {
  const personalize = (i: number) => {
    let source = BENCH_MJML;
    for (const [name, value] of Object.entries(benchValues(i)))
      source = source.replaceAll(`{{${name}}}`, value);
    return source;
  };
  const compile = async (i: number) => {
    const result = await mjml2html(personalize(i), {
      validationLevel: "soft",
      ignoreIncludes: true,
      keepComments: false,
      minify: false,
      beautify: false,
    });
    expectEqual(`mjml errors for email ${i}`, result.errors.length, 0);
    return result.html;
  };
  for (let i = 0; i < 10; i++) await compile(i);
  await ready();
  const started = performance.now();
  let bytes = 0;
  for (let i = 0; i < params.emails; i++) {
    const html = await compile(i);
    bytes += html.length;
    if (i % 97 === 0 || i === params.emails - 1) expectPersonalized(html, i);
  }
  const seconds = (performance.now() - started) / 1000;
  return { emails: params.emails, seconds, perSecond: params.emails / seconds, bytes };
}
