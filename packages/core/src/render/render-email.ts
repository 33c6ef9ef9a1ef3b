import { escapeHtml } from "../personalize/escape-html.js";
import { missingVariables, renderPart, type TemplateValues } from "../personalize/render-template.js";
import type { CompiledEmail } from "./compile-email.js";
import type { EmailSegment } from "./email-segment.js";
import { sanitizeSubject } from "./email-subject.js";
import { linkifyText } from "./linkify.js";

/** One lead's email, ready for a transport; or the variables the lead has no value for. */
export type RenderedEmail =
  | {
      ok: true;
      subject: string;
      html: string;
      text: string;
      variables: string[];
      /**
       * What each placeholder of `compiled.html` printed (escaped), in order: with the literal
       * strings of `compiled.html`, exactly `html`.
       */
      htmlValues: string[];
    }
  | { ok: false; missing: string[] };

/**
 * Fills a compiled email with one lead's values: HTML-escaped in the HTML body, raw in the text body
 * and the subject (whose control characters become spaces). Subject and body spin independently, and
 * the HTML and text bodies always print the same options.
 */
export function renderEmail(
  compiled: CompiledEmail,
  values: TemplateValues,
  options: { seed: string },
): RenderedEmail {
  const missing = [
    ...new Set([
      ...missingVariables(compiled.subject.parts, values),
      ...missingVariables(compiled.body.parts, values),
    ]),
  ];
  if (missing.length > 0) return { ok: false, missing };

  const subjectSeed = `${options.seed}:subject`;
  const bodySeed = `${options.seed}:body`;
  let subject = "";
  for (const part of compiled.subject.parts) subject += renderPart(part, values, subjectSeed, raw);
  const htmlValues: string[] = [];
  let html = "";
  for (const segment of compiled.html) {
    if (typeof segment === "string") {
      html += segment;
    } else {
      const printed = renderPart(segment.part, values, bodySeed, segment.linkify ? linkifyText : escapeHtml);
      htmlValues.push(printed);
      html += printed;
    }
  }
  return {
    ok: true,
    subject: sanitizeSubject(subject),
    html,
    text: fillText(compiled.text, values, bodySeed),
    variables: [...compiled.variables],
    htmlValues,
  };
}

/** The text body: values printed as they are. */
function fillText(segments: readonly EmailSegment[], values: TemplateValues, seed: string): string {
  let out = "";
  for (const segment of segments) {
    out += typeof segment === "string" ? segment : renderPart(segment.part, values, seed, raw);
  }
  return out;
}

function raw(value: string): string {
  return value;
}
