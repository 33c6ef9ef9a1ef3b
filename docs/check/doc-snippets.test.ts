/**
 * Every ```ts block of README.md and docs/ compiles against the packages' current API.
 *
 * - A block compiles on its own, as a module: it imports what it uses.
 * - Names a page's prose takes as given (a `cadenza`, a `campaign`, your `store` or `transport`)
 *   are declared once per page, in a comment the page does not show, that exports them:
 *
 *       <!-- snippet-context
 *       import type { Cadenza } from "@cadenza/core";
 *
 *       export declare const cadenza: Cadenza;
 *       -->
 *
 *   A block that declares one of those names itself uses its own.
 * - ```ts nocheck leaves a block out: only for what is not code (a value's shape with "…") or
 *   imports a file of the reader's app.
 */
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { docPages } from "./doc-pages.js";
import { markdownSnippets } from "./markdown-snippets.js";
import { formatSnippetError, type SnippetError, typecheckSnippets } from "./typecheck-snippets.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const pages = docPages(root).filter((page) => markdownSnippets(page).snippets.length > 0);

// A page with one error in a top-level block and one in a list item's block, to show that a
// snippet which stops compiling fails this test, at its own line and column.
const fence = "```";
const brokenPage = {
  path: "docs/check/broken.md",
  text: [
    "# Broken", //                                          1
    "",
    "<!-- snippet-context",
    "export declare const greeting: string;",
    "-->",
    "",
    `${fence}ts`,
    "const length: number = greeting;", //                  8: a string is not a number
    fence,
    "",
    `${fence}ts`,
    "const greeting = 42;", //                              12: a block's own name wins over the context's
    "greeting.toFixed(1);",
    fence,
    "",
    "- In a list:",
    "",
    `  ${fence}ts`,
    '  import { notExported } from "@cadenza/core";', //   19: resolved, and no such export
    `  ${fence}`,
    "",
    `${fence}ts nocheck`,
    "{ a sketch, …, not code }",
    fence,
  ].join("\n"),
};

let errors: SnippetError[] = [];

beforeAll(() => {
  errors = typecheckSnippets(root, [...pages, brokenPage]);
});

describe("documentation snippets", () => {
  it("finds the pages that have TypeScript blocks", () => {
    expect(pages.map((page) => page.path)).toContain("docs/getting-started.md");
  });

  it.each(pages.map((page) => page.path))("every ts block of %s compiles", (page) => {
    expect(errors.filter((e) => e.page === page).map(formatSnippetError)).toEqual([]);
  });

  it("reports a block that does not compile at its line and column in the page", () => {
    const found = errors
      .filter((e) => e.page === brokenPage.path)
      .map(({ line, column, block, message }) => ({ line, column, block, code: message.split(":")[0] }));
    expect(found).toEqual([
      { line: 8, column: 7, block: 1, code: "TS2322" },
      { line: 19, column: 12, block: 3, code: "TS2305" },
    ]);
  });
});
