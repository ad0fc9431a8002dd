import path from 'node:path';
import type { Policy } from '../api/policy.js';
import type { Reference } from '../api/workload.js';
import type { FileAccess } from './file-access.js';
import { isInside } from './path-inside.js';

export interface ReferenceRequest {
  /** The field that names the path, as shown to the user: `spec.envFiles[0]`. */
  field: string;
  kind: Reference['kind'];
  written: string;
  /** The folder of the file the path is written in. */
  fromDir: string;
  mustBe: 'file' | 'directory' | 'any';
}

export interface ReferenceContext {
  root: string;
  realRoot: string;
  access: FileAccess;
  policy: Policy;
}

/**
 * Resolves a path a manifest refers to and decides whether it may be used: relative to
 * the file it is written in, existing, of the right type, and inside the manifest
 * directory both as written and with symlinks followed. Host paths may leave the
 * directory only into a folder the operator allowed; the Docker socket (or a folder
 * holding it) never.
 */
export function resolveReference(
  request: ReferenceRequest,
  context: ReferenceContext,
): Reference | { message: string } {
  const { field, kind, written, fromDir, mustBe } = request;
  const { root, realRoot, access, policy } = context;
  const isHostPath = kind === 'hostPath';
  if (path.isAbsolute(written) && !isHostPath) {
    return { message: `${field} must be a path relative to the manifest file (got ${JSON.stringify(written)})` };
  }
  const absolute = path.resolve(fromDir, written);
  if (!isHostPath && !isInside(absolute, root)) {
    return { message: `${field} leaves the manifest directory (${JSON.stringify(written)})` };
  }
  const info = access.inspect(absolute);
  if (isHostPath && touchesDockerSocket(absolute, info.exists ? info : undefined, context)) {
    return { message: `${field}: the Docker socket can never be mounted (${JSON.stringify(written)})` };
  }
  if (!info.exists) {
    return { message: `${field}: ${JSON.stringify(written)} does not exist (looked for ${access.display(absolute)})` };
  }
  const inside = isInside(absolute, root) && isInside(info.realPath, realRoot);
  if (!inside) {
    const how = isInside(absolute, root) ? ' through a symlink' : '';
    if (!isHostPath) return { message: `${field} leaves the manifest directory${how} (${JSON.stringify(written)})` };
    const allowed = policy.allowHostPaths.some((dir) => isInside(info.realPath, realFolder(dir, access)));
    if (!allowed) {
      return {
        message: `${field}: host path ${info.realPath} is outside the manifest directory${how}; the operator can allow it with --allow-host-paths ${info.realPath}`,
      };
    }
  }
  if (mustBe === 'file' && info.type !== 'file')
    return { message: `${field}: ${JSON.stringify(written)} is not a regular file` };
  if (mustBe === 'directory' && info.type !== 'directory')
    return { message: `${field}: ${JSON.stringify(written)} is not a folder` };
  return { field, kind, path: absolute, realPath: info.realPath };
}

function realFolder(dir: string, access: FileAccess): string {
  const info = access.inspect(dir);
  return info.exists ? info.realPath : path.resolve(dir);
}

function touchesDockerSocket(
  absolute: string,
  info: { realPath: string; type: string } | undefined,
  context: ReferenceContext,
): boolean {
  const candidates = [absolute, ...(info ? [info.realPath] : [])];
  if (info?.type === 'socket' && /(docker|containerd)[^/]*\.sock$/.test(info.realPath)) return true;
  for (const socket of context.policy.dockerSockets) {
    const socketInfo = context.access.inspect(socket);
    const socketPaths = [socket, ...(socketInfo.exists ? [socketInfo.realPath] : [])];
    // A folder above the socket exposes it too: /var/run, /run, /.
    if (candidates.some((candidate) => socketPaths.some((s) => isInside(s, candidate)))) return true;
  }
  return false;
}
