import { match } from "ts-pattern";
import type { BodyFormat } from "../campaign/campaign-schema.js";
import { CadenzaError, isCadenzaError } from "../errors.js";
import { compileTemplate } from "../personalize/compile-template.js";
import type { CompiledTemplate } from "../personalize/template-part.js";
import { templateVariables } from "../personalize/template-variables.js";
import { authorHtmlDocument } from "./author-html.js";
import type { EmailSegment } from "./email-segment.js";
import { htmlTextPart } from "./html-text-part.js";
import { compileMjmlBody, type MjmlCompiler } from "./mjml-body.js";
import { type ProtectedTemplate, protectPlaceholders } from "./placeholder-tokens.js";
import { textBodyHtml } from "./text-body.js";

/** What an email is written as: the subject and body of one step variant, in the step's format. */
export interface EmailContent {
  format: BodyFormat;
  subject: string;
  body: string;
}

/**
 * An email compiled once for every lead: the HTML and text bodies are lists of literal strings and
 * placeholders, so rendering for a lead is a string build. Treat it as opaque; get one from
 * `renderer.compile`.
 */
export interface CompiledEmail {
  readonly format: BodyFormat;
  readonly subject: CompiledTemplate;
  readonly body: CompiledTemplate;
  readonly html: readonly EmailSegment[];
  readonly text: readonly EmailSegment[];
  /** Names of the variables the subject and body use, each once. */
  readonly variables: readonly string[];
}

/**
 * Compiles an email's content: parses the templates and builds the HTML and text bodies around
 * protected placeholders, compiling MJML once (with `mjml`, in this process by default). Throws
 * `TEMPLATE_SYNTAX` (path `["subject"]` or `["body"]`) or `MJML_INVALID`.
 */
export async function compileEmail(content: EmailContent, mjml?: MjmlCompiler): Promise<CompiledEmail> {
  const subject = compileField(content.subject, "subject");
  const body = compileField(content.body, "body");
  const protectedBody = protectPlaceholders(body);

  const { html, text } = await match(content.format)
    .with("text", () => ({ html: textBodyHtml(protectedBody), text: sourceSegments(body) }))
    .with("html", () => markupBodies(protectedBody, authorHtmlDocument(protectedBody)))
    .with("mjml", async () => markupBodies(protectedBody, await compileMjmlBody(protectedBody, mjml)))
    .exhaustive();

  const variables = [
    ...new Set([...templateVariables(subject), ...templateVariables(body)].map((v) => v.name)),
  ];
  return Object.freeze({ format: content.format, subject, body, html, text, variables });
}

/** HTML as written or compiled, and its text alternative derived once, both with placeholders. */
async function markupBodies(
  body: ProtectedTemplate,
  html: string,
): Promise<{ html: EmailSegment[]; text: EmailSegment[] }> {
  return { html: segments(body.restore(html)), text: segments(body.restore(await htmlTextPart(html))) };
}

function segments(pieces: ReturnType<ProtectedTemplate["restore"]>): EmailSegment[] {
  return pieces.map((piece) => (typeof piece === "string" ? piece : { part: piece, linkify: false }));
}

function sourceSegments(template: CompiledTemplate): EmailSegment[] {
  return template.parts.map((part) => (part.kind === "text" ? part.text : { part, linkify: false }));
}

function compileField(source: string, field: "subject" | "body"): CompiledTemplate {
  try {
    return compileTemplate(source);
  } catch (error) {
    if (!isCadenzaError(error, "TEMPLATE_SYNTAX")) throw error;
    const issues = error.issues.map((issue) => ({ ...issue, path: [field, ...issue.path] }));
    throw new CadenzaError("TEMPLATE_SYNTAX", { issues, cause: error });
  }
}
