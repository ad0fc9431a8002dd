import path from 'node:path';

/**
 * Where `tinyforge reconcile|suspend|resume` reach the running controller: `control.sock`
 * beside the state file `state.json`; beside a state file of another name, such as
 * `prod.json`, `prod.control.sock`. Each state file has its lock, and so its socket: two
 * controllers whose state files share a folder never take each other's.
 */
export function controlSocketPath(stateFile: string): string {
  const file = path.resolve(stateFile);
  const stem = path.basename(file, path.extname(file));
  return path.join(path.dirname(file), stem === 'state' ? 'control.sock' : `${stem}.control.sock`);
}

/** What a unix socket's address holds on Linux, less its closing NUL; a longer path would be cut short silently. */
const MAX_SOCKET_PATH_BYTES = 107;

/** Why `socketPath` cannot be a unix socket's address, or undefined when it can. */
export function socketPathProblem(socketPath: string): string | undefined {
  const bytes = Buffer.byteLength(socketPath);
  if (bytes <= MAX_SOCKET_PATH_BYTES) return undefined;
  return `the path ${socketPath} is ${bytes} bytes long, more than a unix socket's ${MAX_SOCKET_PATH_BYTES}: use a shorter --state path`;
}
