import path from "node:path";
import ts from "typescript";
import { type DocPage, markdownSnippets } from "./markdown-snippets.js";

/** A compiler error in a page, at the page's own line and column. */
export interface SnippetError {
  page: string;
  line: number;
  column: number;
  /** The ```ts block's number in its page, or "context" for the page's snippet-context comment. */
  block: number | "context";
  message: string;
}

/** A snippet as the compiler sees it: a module file beside its page, mapped back to the page. */
interface SnippetFile {
  page: string;
  block: number | "context";
  line: number;
  indent: number;
  text: string;
}

/**
 * Compiles every ```ts block of `pages` in one program and returns the errors, page by page.
 *
 * Each block is its own module (`<page>.md.<n>.ts` beside the page), compiled with the repository's
 * tsconfig.base.json, so `@cadenza/*` resolve through the docs package's dependencies as a user's
 * imports would (to the packages' sources, by the `@cadenza/source` condition the repository builds
 * and tests with). A block also sees what the page's `<!-- snippet-context … -->` comment exports,
 * unless it declares the same name itself; a ```ts nocheck block is skipped.
 */
export function typecheckSnippets(root: string, pages: DocPage[]): SnippetError[] {
  const options = compilerOptions(root);
  const files = snippetFiles(root, pages);
  const host = ts.createCompilerHost(options);
  const { fileExists, readFile, getSourceFile } = host;
  host.fileExists = (name) => files.has(name) || fileExists.call(host, name);
  host.readFile = (name) => files.get(name)?.text ?? readFile.call(host, name);
  host.getSourceFile = (name, languageVersion, ...rest) => {
    const file = files.get(name);
    return file
      ? ts.createSourceFile(name, file.text, languageVersion)
      : getSourceFile.call(host, name, languageVersion, ...rest);
  };
  const program = ts.createProgram({ rootNames: [...files.keys()], options, host });
  const global = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()];
  if (global.length > 0) throw new Error(global.map(messageOf).join("\n"));

  const errors: SnippetError[] = [];
  for (const [name, file] of files) {
    const source = program.getSourceFile(name)!;
    for (const d of [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)]) {
      const at = source.getLineAndCharacterOfPosition(d.start ?? 0);
      errors.push({
        page: file.page,
        line: file.line + at.line,
        column: file.indent + at.character + 1,
        block: file.block,
        message: messageOf(d),
      });
    }
  }
  return errors;
}

/** The module files of the pages' snippets and contexts, by absolute path. */
function snippetFiles(root: string, pages: DocPage[]): Map<string, SnippetFile> {
  const files = new Map<string, SnippetFile>();
  for (const page of pages) {
    const pagePath = path.resolve(root, page.path);
    const { snippets, context } = markdownSnippets(page);
    const contextFile = `${pagePath}.context.ts`;
    const contextExports = context ? exportedNames(context.code) : [];
    if (context) {
      files.set(contextFile, {
        page: page.path,
        block: "context",
        line: context.line,
        indent: 0,
        text: context.code,
      });
    }
    for (const snippet of snippets) {
      if (snippet.nocheck) continue;
      const declared = new Set(declaredNames(snippet.code));
      const names = contextExports
        .filter((e) => !declared.has(e.name))
        .map((e) => (e.typeOnly ? `type ${e.name}` : e.name));
      // Appended, not prepended: imports are hoisted, and the block's lines keep their numbers.
      const from = `./${path.basename(contextFile, ".ts")}`;
      const contextImport = names.length ? `\nimport { ${names.join(", ")} } from "${from}";\n` : "\n";
      files.set(`${pagePath}.${snippet.index}.ts`, {
        page: page.path,
        block: snippet.index,
        line: snippet.line,
        indent: snippet.indent,
        text: snippet.code + contextImport,
      });
    }
  }
  return files;
}

/** One line per error: `docs/page.md:12:5 (block 2) TS2304: Cannot find name 'x'.` */
export function formatSnippetError(e: SnippetError): string {
  return `${e.page}:${e.line}:${e.column} (${e.block === "context" ? "snippet-context" : `block ${e.block}`}) ${e.message}`;
}

function compilerOptions(root: string): ts.CompilerOptions {
  const configPath = path.join(root, "tsconfig.base.json");
  const { config, error } = ts.readConfigFile(configPath, ts.sys.readFile);
  if (error) throw new Error(messageOf(error));
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, root, undefined, configPath);
  return {
    ...parsed.options,
    noEmit: true,
    // A block without imports is a module all the same: blocks never share a global scope.
    moduleDetection: ts.ModuleDetectionKind.Force,
  };
}

function messageOf(d: ts.Diagnostic): string {
  return `TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
}

/** Names a block declares at its top level: imports, variables, functions, classes, types. */
function declaredNames(code: string): string[] {
  const source = ts.createSourceFile("block.ts", code, ts.ScriptTarget.Latest);
  return source.statements.flatMap((statement) => {
    if (ts.isImportDeclaration(statement)) {
      const clause = statement.importClause;
      if (!clause) return [];
      const bindings = clause.namedBindings;
      return [
        ...(clause.name ? [clause.name.text] : []),
        ...(bindings && ts.isNamespaceImport(bindings) ? [bindings.name.text] : []),
        ...(bindings && ts.isNamedImports(bindings) ? bindings.elements.map((e) => e.name.text) : []),
      ];
    }
    if (ts.isVariableStatement(statement)) {
      return statement.declarationList.declarations.flatMap((d) => bindingNames(d.name));
    }
    const name = (statement as { name?: ts.Node }).name;
    return name && ts.isIdentifier(name) ? [name.text] : [];
  });
}

function bindingNames(name: ts.BindingName): string[] {
  if (ts.isIdentifier(name)) return [name.text];
  return name.elements.flatMap((e) => (ts.isOmittedExpression(e) ? [] : bindingNames(e.name)));
}

/** Names a snippet context exports; interfaces and type aliases are imported with `type`. */
function exportedNames(code: string): { name: string; typeOnly: boolean }[] {
  const source = ts.createSourceFile("context.ts", code, ts.ScriptTarget.Latest);
  return source.statements.flatMap((statement) => {
    const exported = ts.canHaveModifiers(statement)
      ? ts.getModifiers(statement)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)
      : false;
    if (!exported) return [];
    const typeOnly = ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement);
    return declaredNames(statement.getText(source)).map((name) => ({ name, typeOnly }));
  });
}
