import nodePath from 'node:path';
import type { ParsedControllerFlags } from './controller-flags.js';
import { UsageError } from './errors.js';
import { formatHostPort } from './flag-values.js';

/** File-system refusals that say the state path the operator chose cannot be used. */
const STATE_PATH_REFUSALS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOTDIR: 'not a folder',
  EEXIST: 'not a folder',
  EISDIR: 'a folder, not a file',
};

/**
 * What opening the controller refuses for a reason the operator set is a configuration
 * error (exit 2), named after the flag: another controller holds the state file, its
 * controller.key is no key, the state path cannot be used, the health address cannot be listened on. Anything else
 * is thrown on as it is.
 */
export function configurationError(error: unknown, flags: ParsedControllerFlags): never {
  const { code, message, path, reason } = error as { code?: string; message: string; path?: string; reason?: string };
  if (code === 'STATE_LOCKED' || code === 'KEY_INVALID') throw new UsageError(message);
  if (code === 'NOT_A_SWARM_MANAGER') throw new UsageError(`--backend swarm: ${message}`);
  if (code === 'ADDRESS_UNAVAILABLE' && flags.healthAddr)
    throw new UsageError(`--health-addr ${formatHostPort(flags.healthAddr)}: ${reason}`);
  const refusal = STATE_PATH_REFUSALS[code ?? ''];
  // Only open() and mkdir() name the path they refused; a read of a folder does not.
  if (refusal && (path === undefined || onStatePath(path, flags.config.state)))
    throw new UsageError(`--state ${flags.config.state}: ${path !== undefined ? `${path}: ` : ''}${refusal}`);
  throw error;
}

/** The state file, the files beside it, or a folder on the way to them. */
function onStatePath(refused: string, state: string): boolean {
  const folder = nodePath.dirname(nodePath.resolve(state));
  const absolute = nodePath.resolve(refused);
  return (
    absolute === folder ||
    absolute.startsWith(`${folder}${nodePath.sep}`) ||
    folder.startsWith(`${absolute}${nodePath.sep}`)
  );
}
