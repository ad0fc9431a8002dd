/** What a command that follows (`-f`) needs from outside; tests give their own. */
export interface FollowDeps {
  /** Resolves when the command should stop following (`interrupted` by default). */
  stopped: () => Promise<unknown>;
  /** How often it looks for something new. */
  pollMs: number;
}

/**
 * Resolves when a command that follows something should end, exit 0: on the first SIGINT
 * (Ctrl-C) or SIGTERM from now on, or when the reader of stdout went away
 * (`tinyforge logs -f | head -3`), which would otherwise leave it following into nothing.
 */
export function interrupted(): Promise<unknown> {
  return new Promise((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
    process.stdout.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') resolve(error.code);
    });
  });
}
