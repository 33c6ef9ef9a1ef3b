#!/usr/bin/env node
// The `cadenza` command: runs src/cli/cli.ts through tsx, resolving the workspace packages from their
// TypeScript sources, so it works from a fresh clone with no build step.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const cli = fileURLToPath(new URL("../src/cli/cli.ts", import.meta.url));
const child = spawn(
  process.execPath,
  ["--conditions=@cadenza/source", "--import", import.meta.resolve("tsx"), cli, ...process.argv.slice(2)],
  { stdio: "inherit" },
);
// Signals sent to this process go on to the command, which shuts down gracefully and exits.
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
