import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { DocPage } from "./markdown-snippets.js";

/** The documentation's pages: README.md and every Markdown file under docs/, sorted by path. */
export function docPages(root: string): DocPage[] {
  const docs = readdirSync(path.join(root, "docs"), { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".md") && !file.split(path.sep).includes("node_modules"))
    .map((file) => path.join("docs", file));
  return ["README.md", ...docs.sort()].map((file) => ({
    path: file.split(path.sep).join("/"),
    text: readFileSync(path.join(root, file), "utf8"),
  }));
}
