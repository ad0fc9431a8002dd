/** Where commands write; tests pass their own to capture it. */
export interface Output {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Whether `out` goes to a terminal (colour); absent: it does not. */
  isTTY?: boolean;
  /** Whether `err` goes to a terminal (progress lines); absent: it does not. */
  errIsTTY?: boolean;
}

export const processOutput: Output = {
  out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
  get isTTY() {
    return process.stdout.isTTY === true;
  },
  get errIsTTY() {
    return process.stderr.isTTY === true;
  },
};

/**
 * Ends the process once stdout and stderr have handed everything to the OS. A pipe whose
 * reader is slower than us holds 64 KiB; the rest waits in Node's buffers, and a bare
 * `process.exit()` would drop it (`status -o json | jq` would read torn JSON). Exiting
 * explicitly still matters: a handle some library left open must not keep a stopped
 * controller alive.
 */
export async function exitAfterOutput(code: number): Promise<never> {
  process.exitCode = code;
  await Promise.all([drained(process.stdout), drained(process.stderr)]);
  process.exit(code);
}

/** Resolves when everything written to `stream` before now is flushed (or the stream broke). */
function drained(stream: NodeJS.WriteStream): Promise<void> {
  if (stream.destroyed || !stream.writable) return Promise.resolve();
  return new Promise((resolve) => {
    stream.once('error', () => resolve());
    stream.write('', () => resolve());
  });
}

/**
 * A reader that went away (`| head -1`, `grep -q`) is no error of ours: what is left to
 * write goes nowhere and the command ends with its own exit code, never Node's trace of
 * an unhandled EPIPE. Other stream errors still end the process.
 */
export function quietOnClosedPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
    });
  }
}
