import { CadenzaError, type FieldIssue } from "../errors.js";
import type { ProtectedTemplate } from "./placeholder-tokens.js";

type Mjml2Html = typeof import("mjml");

let loading: Promise<Mjml2Html> | null = null;

/** mjml is loaded on first use: hosts that never send MJML never pay for loading it. */
function loadMjml(): Promise<Mjml2Html> {
  loading ??= import("mjml").then((module) => module.default);
  return loading;
}

/**
 * Compiles an MJML body (variables already protected as tokens) to HTML. Includes are ignored, so
 * compiling never reads a file. Any validation error fails the compile with `MJML_INVALID`, each
 * issue naming its source line.
 */
export async function compileMjmlBody(body: ProtectedTemplate): Promise<string> {
  const mjml2html = await loadMjml();
  if (!/<mj-body[\s>/]/i.test(body.text)) {
    throw mjmlInvalid([{ path: [], message: "line 1: the document has no <mj-body>", code: "mjml" }]);
  }
  let result: Awaited<ReturnType<Mjml2Html>>;
  try {
    result = await mjml2html(body.text, {
      validationLevel: "soft",
      ignoreIncludes: true,
      keepComments: false,
      minify: false,
      beautify: false,
    });
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
