import { decodeAttributeValue, escapeHtml } from "./html-entities.js";
import { scanTags } from "./html-tags.js";
import { type HtmlDecoration, NO_TRACK_ATTRIBUTE, type RewrittenLinks } from "./rewrite-links.js";
import { trackableUrl } from "./trackable-url.js";

/**
 * What `decorateHtml` would do to every document built from one list of literal pieces and printed
 * values, worked out once from the pieces: where the values go, which `href`s are links, where
 * `</body>` is. Applying it per email is a string build, with no scan of the document.
 */
export interface DecorationPlan {
  readonly steps: readonly PlanStep[];
}

type PlanStep =
  | string
  | { kind: "value"; index: number }
  | { kind: "bodyEnd" }
  | {
      kind: "href";
      /** The attribute's value token as written, quotes included: what stays when it is not tracked. */
      token: readonly (string | number)[];
      /** The value inside the quotes, pieces and value indexes; empty for an unquoted value. */
      inner: readonly (string | number)[];
      /** The trackable URL when the value has no printed value in it (null: never tracked). */
      url: string | null | undefined;
    };

/** Stands for a printed value while the pieces are scanned: a private-use character. */
const MARKER = "\uE000";

/** Text a value must not follow: the start of a tag, end tag, comment, declaration or instruction. */
const TAG_OPENING = /<[!?/]?[-a-zA-Z0-9]*$/;

/** Characters a value must not precede: they could finish `-->`, `--!>` or `]]>` with it. */
const CLOSERS = new Set(["-", "!", ">", "]"]);

/**
 * Plans the decoration of documents made of `pieces`, where `null` is a value printed with
 * `escapeHtml` (so it holds no `<`, `>`, `"` or `'`). The plan exists only when no such value can
 * change where tags, attributes, comments or raw text begin and end: each value sits in text (not
 * right after the start of a tag or declaration, not right before a character that could close a
 * comment, not inside a tag the end of the document leaves open) or inside a quoted attribute
 * value. Otherwise it is null, and the document must be decorated with `decorateHtml` once it is
 * printed.
 */
export function planDecoration(pieces: readonly (string | null)[]): DecorationPlan | null {
  let probe = "";
  const markers: number[] = [];
  for (const piece of pieces) {
    if (piece === null) {
      markers.push(probe.length);
      probe += MARKER;
    } else {
      if (piece.includes(MARKER)) return null;
      probe += piece;
    }
  }

  // Quoted attribute values that may hold values; tag spans, where nothing else may.
  const quoted: { start: number; end: number }[] = [];
  const tagSpans: { start: number; end: number }[] = [];
  const hrefs: { start: number; end: number; value: string }[] = [];
  let bodyEnd: number | null = null;
  // Where a tag the end of the probe cuts off begins: a value after it could complete that tag
  // (`<a href=x !` + `=` + ` href="…` turns an open quote into an unquoted value).
  let cutOff = probe.length;
  const onCutOff = (start: number) => {
    cutOff = start;
  };
  for (const tag of scanTags(probe, { onCutOff })) {
    tagSpans.push({ start: tag.start, end: tag.end });
    if (tag.closing) {
      if (tag.name === "body") bodyEnd = tag.start;
      continue;
    }
    for (const attribute of tag.attributes) {
      const quote = probe[attribute.valueStart];
      if (attribute.value !== null && (quote === '"' || quote === "'")) {
        quoted.push({ start: attribute.valueStart + 1, end: attribute.valueEnd - 1 });
      }
    }
    // Exactly the links `decorateHtml` considers.
    if (tag.name !== "a" || tag.attributes.some((a) => a.name === NO_TRACK_ATTRIBUTE)) continue;
    const href = tag.attributes.find((a) => a.name === "href");
    if (href && href.value !== null) {
      hrefs.push({ start: href.valueStart, end: href.valueEnd, value: href.value });
    }
  }

  for (const at of markers) {
    if (at >= cutOff) return null;
    if (quoted.some((q) => q.start <= at && at < q.end)) continue;
    if (tagSpans.some((t) => t.start <= at && at < t.end)) return null;
    // A longer run of name characters after `<` is a tag the scan found (so the value sits in its
    // span) or no raw-text end tag's prefix: the window keeps this linear in the document.
    if (TAG_OPENING.test(probe.slice(Math.max(0, at - 64), at))) return null;
    let next = at + 1;
    while (probe[next] === MARKER) next++;
    if (next < probe.length && CLOSERS.has(probe[next]!)) return null;
  }

  const valueAt = new Map(markers.map((at, index) => [at, index]));
  const split = (from: number, to: number): (string | number)[] => {
    const out: (string | number)[] = [];
    let copied = from;
    for (let at = probe.indexOf(MARKER, from); at >= 0 && at < to; at = probe.indexOf(MARKER, at + 1)) {
      if (at > copied) out.push(probe.slice(copied, at));
      out.push(valueAt.get(at)!);
      copied = at + 1;
    }
    if (to > copied) out.push(probe.slice(copied, to));
    return out;
  };

  const steps: PlanStep[] = [];
  const push = (parts: (string | number)[]) => {
    for (const part of parts) steps.push(typeof part === "string" ? part : { kind: "value", index: part });
  };
  const insertAt = bodyEnd ?? probe.length;
  let copied = 0;
  for (const href of hrefs) {
    const dynamic = probe.slice(href.start, href.end).includes(MARKER);
    const url = dynamic ? undefined : trackableUrl(decodeAttributeValue(href.value));
    // A literal href that is no link stays as written: nothing to do per email.
    if (url === null) continue;
    if (insertAt >= copied && insertAt <= href.start) {
      push(split(copied, insertAt));
      steps.push({ kind: "bodyEnd" });
      copied = insertAt;
    }
    push(split(copied, href.start));
    const isQuoted = probe[href.start] === '"' || probe[href.start] === "'";
    steps.push({
      kind: "href",
      token: split(href.start, href.end),
      inner: isQuoted ? split(href.start + 1, href.end - 1) : [],
      url,
    });
    copied = href.end;
  }
  if (insertAt >= copied) {
    push(split(copied, insertAt));
    steps.push({ kind: "bodyEnd" });
    copied = insertAt;
  }
  push(split(copied, probe.length));
  return { steps: mergeStrings(steps) };
}

/**
 * Builds the document `plan` was made for with `values` (printed with `escapeHtml`, in order) and
 * decorates it: exactly what `decorateHtml` returns for the same document and decoration.
 */
export function applyDecoration(
  plan: DecorationPlan,
  values: readonly string[],
  decoration: HtmlDecoration,
): RewrittenLinks {
  const { toTrackedUrl, skip, beforeBodyEnd } = decoration;
  const links: string[] = [];
  const join = (parts: readonly (string | number)[]) => {
    let out = "";
    for (const part of parts) out += typeof part === "string" ? part : values[part]!;
    return out;
  };
  let html = "";
  for (const step of plan.steps) {
    if (typeof step === "string") {
      html += step;
    } else if (step.kind === "value") {
      html += values[step.index]!;
    } else if (step.kind === "bodyEnd") {
      if (beforeBodyEnd !== undefined) html += beforeBodyEnd;
    } else {
      const url =
        toTrackedUrl === undefined
          ? null
          : step.url === undefined
            ? trackableUrl(decodeAttributeValue(join(step.inner)))
            : step.url;
      if (url === null || skip?.(url)) {
        html += join(step.token);
      } else {
        html += `"${escapeHtml(toTrackedUrl!(url, links.length))}"`;
        links.push(url);
      }
    }
  }
  return { html, links };
}

function mergeStrings(steps: PlanStep[]): PlanStep[] {
  const out: PlanStep[] = [];
  for (const step of steps) {
    const last = out.length - 1;
    if (typeof step === "string" && typeof out[last] === "string") out[last] = out[last] + step;
    else if (step !== "") out.push(step);
  }
  return out;
}
