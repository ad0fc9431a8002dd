import { runCli } from './cli.js';
import { exitAfterOutput, processOutput, quietOnClosedPipe } from './output.js';

/** The CLI as a process: its arguments in, its exit code out (the bundle the bin runs). */
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
