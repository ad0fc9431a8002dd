#!/usr/bin/env node
import { runCli } from './cli/cli.js';
import { exitAfterOutput, processOutput } from './cli/output.js';

runCli(process.argv.slice(2), processOutput).then(
  (code) => exitAfterOutput(code),
  (error: unknown) => {
    process.stderr.write(`tinyforge: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return exitAfterOutput(70);
  },
);
