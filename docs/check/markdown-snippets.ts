/** A Markdown page of the documentation, by its path from the repository root. */
export interface DocPage {
  path: string;
  text: string;
}

/** A ```ts block of a page: its code without the fence's indentation, and where it stands. */
export interface Snippet {
  /** 1-based, in the page's order of ```ts blocks. */
  index: number;
  /** Page line (1-based) of the block's first line of code. */
  line: number;
  /** Columns taken off every line: the fence's indentation inside a list item. */
  indent: number;
  code: string;
  /** Opted out with ```ts nocheck: shown to readers, not compiled. */
  nocheck: boolean;
}

/** The hidden `<!-- snippet-context … -->` comment of a page: a module whose exports every block sees. */
export interface SnippetContext {
  /** Page line (1-based) of the context's first line of code. */
  line: number;
  code: string;
}

export interface PageSnippets {
  snippets: Snippet[];
  context: SnippetContext | null;
}

const FENCE = /^( *)(`{3,}|~{3,})(.*)$/;
const CONTEXT_OPEN = /^<!--\s*snippet-context\s*$/;
const CONTEXT_CLOSE = /^-->\s*$/;
const TYPESCRIPT = new Set(["ts", "typescript"]);

/**
 * Finds a page's ```ts blocks and its snippet context. Fences of other languages are skipped whole,
 * so a ```ts line quoted inside a ```md block is not taken for a block.
 */
export function markdownSnippets(page: DocPage): PageSnippets {
  const lines = page.text.split("\n");
  const snippets: Snippet[] = [];
  let context: SnippetContext | null = null;
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    const fence = FENCE.exec(line);
    if (fence) {
      const [, indent = "", marker = "", info = ""] = fence;
      const end = closingFence(lines, i + 1, marker);
      const [lang = "", ...flags] = info.trim().split(/\s+/);
      if (TYPESCRIPT.has(lang)) {
        snippets.push({
          index: snippets.length + 1,
          line: i + 2,
          indent: indent.length,
          code: lines
            .slice(i + 1, end)
            .map((l) => l.slice(Math.min(indent.length, l.length - l.trimStart().length)))
            .join("\n"),
          nocheck: flags.includes("nocheck"),
        });
      }
      i = end + 1;
      continue;
    }
    if (CONTEXT_OPEN.test(line)) {
      if (context) throw new Error(`${page.path}:${i + 1}: a page has one snippet-context comment at most`);
      const end = lines.findIndex((l, j) => j > i && CONTEXT_CLOSE.test(l));
      if (end < 0) throw new Error(`${page.path}:${i + 1}: snippet-context comment is not closed by -->`);
      context = { line: i + 2, code: lines.slice(i + 1, end).join("\n") };
      i = end + 1;
      continue;
    }
    i++;
  }
  return { snippets, context };
}

/** Index of the line that closes a fence opened with `marker`, or the page's end when none does. */
function closingFence(lines: string[], from: number, marker: string): number {
  for (let j = from; j < lines.length; j++) {
    const close = FENCE.exec(lines[j]!);
    if (close && close[2]![0] === marker[0] && close[2]!.length >= marker.length && !close[3]!.trim()) {
      return j;
    }
  }
  return lines.length;
}
