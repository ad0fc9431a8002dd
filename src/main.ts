#!/usr/bin/env node
import { runCli } from './cli/cli.js';
import { exitAfterOutput, processOutput, quietOnClosedPipe } from './cli/output.js';

quietOnClosedPipe();
runCli(process.argv.slice(2), processOutput).then(
  (code) => exitAfterOutput(code),
  (error: unknown) => {
    process.stderr.write(
      `tinyforge: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return exitAfterOutput(70);
  },
);
