#!/usr/bin/env node
import { runCli } from './cli/cli.js';
import { processOutput } from './cli/output.js';

runCli(process.argv.slice(2), processOutput).then(
  (code) => {
    // The command is done, its output written (pipes and files are synchronous here):
    // a handle some library left open must not keep a stopped controller alive.
    process.exit(code);
  },
  (error: unknown) => {
    process.stderr.write(`tinyforge: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(70);
  },
);
