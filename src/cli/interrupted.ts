/** Resolves on the first SIGINT (Ctrl-C) or SIGTERM from now on: a command that follows something then ends, exit 0. */
export function interrupted(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
}
