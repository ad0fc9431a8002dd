import path from 'node:path';

/** `control.sock` beside the state file: where `tinyforge reconcile|suspend|resume` reach the running controller. */
export function controlSocketPath(stateFile: string): string {
  return path.join(path.dirname(path.resolve(stateFile)), 'control.sock');
}

/** What a unix socket's address holds on Linux, less its closing NUL; a longer path would be cut short silently. */
const MAX_SOCKET_PATH_BYTES = 107;

/** Why `socketPath` cannot be a unix socket's address, or undefined when it can. */
export function socketPathProblem(socketPath: string): string | undefined {
  const bytes = Buffer.byteLength(socketPath);
  if (bytes <= MAX_SOCKET_PATH_BYTES) return undefined;
  return `the path ${socketPath} is ${bytes} bytes long, more than a unix socket's ${MAX_SOCKET_PATH_BYTES}: use a shorter --state path`;
}
