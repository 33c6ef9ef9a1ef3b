import { CadenzaError, type FieldIssue } from "../errors.js";
import type { ProtectedTemplate } from "./placeholder-tokens.js";

/** What an MJML compile returns: the HTML, and the validation errors with their source lines. */
export interface MjmlResult {
  html: string;
  errors: readonly { line: number; message: string }[];
}

/** The options Cadenza compiles MJML with: includes ignored (no file is read), no minifying. */
export interface MjmlOptions {
  validationLevel: "soft";
  ignoreIncludes: true;
  keepComments: false;
  minify: false;
  beautify: false;
}

/**
 * Compiles an MJML document as `mjml(source, options)` does; throws for a document it cannot read.
 * The default loads `mjml` into the engine's process once, on the first MJML email; `mjmlWorker()`
 * from `@cadenza/core/runtime` compiles in a worker thread instead, so the process never holds mjml.
 */
export type MjmlCompiler = (source: string, options: MjmlOptions) => Promise<MjmlResult>;

const MJML_OPTIONS: MjmlOptions = {
  validationLevel: "soft",
  ignoreIncludes: true,
  keepComments: false,
  minify: false,
  beautify: false,
};

type Mjml2Html = typeof import("mjml");

let loading: Promise<Mjml2Html> | null = null;

/** mjml in this process, loaded on first use: hosts that never send MJML never pay for loading it. */
export const inProcessMjml: MjmlCompiler = async (source, options) => {
  loading ??= import("mjml").then((module) => module.default);
  const mjml2html = await loading;
  return mjml2html(source, options);
};

/**
 * Compiles an MJML body (variables already protected as tokens) to HTML. Includes are ignored, so
 * compiling never reads a file. Any validation error fails the compile with `MJML_INVALID`, each
 * issue naming its source line.
 */
export async function compileMjmlBody(
  body: ProtectedTemplate,
  compile: MjmlCompiler = inProcessMjml,
): Promise<string> {
  if (!/<mj-body[\s>/]/i.test(body.text)) {
    throw mjmlInvalid([{ path: [], message: "line 1: the document has no <mj-body>", code: "mjml" }]);
  }
  let result: MjmlResult;
  try {
    result = await compile(body.text, MJML_OPTIONS);
  } catch (error) {
    // The parser throws without a position for documents it cannot read at all.
    const message = error instanceof Error ? error.message : String(error);
    throw mjmlInvalid([{ path: [], message: `line 1: ${message}`, code: "mjml" }], error);
  }
  if (result.errors.length > 0) {
    throw mjmlInvalid(
      result.errors.map((e) => ({
        path: [],
        message: `line ${body.sourceLine(e.line)}: ${e.message.trim()}`,
        code: "mjml",
      })),
    );
  }
  return result.html;
}

function mjmlInvalid(issues: FieldIssue[], cause?: unknown): CadenzaError {
  return new CadenzaError("MJML_INVALID", { issues, cause });
}
