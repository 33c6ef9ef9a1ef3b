import { runCli } from "./run-cli.js";

// The `cadenza` command's entry point: the commands live in run-cli.ts, where tests call them.
runCli(process.argv.slice(2), process.env).then((code) => process.exit(code));
