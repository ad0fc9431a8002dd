import path from 'node:path';
import { joinsAnotherNamespace, normalizeCapability } from '../api/policy.js';
import type { Policy } from '../api/policy.js';
import type { ContainerSpec } from './container-spec.js';
import { PolicyViolationError } from './docker-port.js';

export interface PolicyScope {
  policy: Policy;
  /** The manifest directory with symlinks followed: bind sources inside it need no flag. */
  manifestDir: string;
}

/**
 * The last check before a create request becomes a Docker call (docs/guarantees.md
 * #10): whatever path led here, a spec that asks for more than the operator allowed is
 * refused. Validation rejects the same manifests earlier, with line and column.
 */
export function enforcePolicy(spec: ContainerSpec, scope: PolicyScope): void {
  const { policy } = scope;
  const refuse = (what: string, flag: string) => {
    throw new PolicyViolationError(`${what} is not allowed; the operator can allow it with ${flag}`);
  };
  if (spec.privileged && !policy.allowPrivileged) refuse('privileged', '--allow-privileged');
  const caps = new Set(policy.allowCapabilities.map(normalizeCapability));
  for (const cap of spec.capAdd.map(normalizeCapability))
    if (!caps.has(cap) && !caps.has('ALL')) refuse(`capability ${cap}`, `--allow-capabilities ${cap}`);
  if (spec.devices.length > 0 && !policy.allowDevices) refuse('devices', '--allow-devices');
  for (const ns of ['pid', 'ipc', 'uts', 'userns'] as const)
    if (spec[ns] !== null && !policy.allowHostNamespaces) refuse(`${ns}: host`, '--allow-host-namespaces');
  if (joinsAnotherNamespace(spec.network) && !policy.allowHostNamespaces)
    refuse(`network ${spec.network}`, '--allow-host-namespaces');
  for (const mount of spec.mounts) {
    if (mount.type !== 'bind') continue;
    const source = path.resolve(mount.source);
    for (const socket of policy.dockerSockets) {
      if (within(socket, source))
        throw new PolicyViolationError(`mounting ${source} would expose the Docker socket; never allowed`);
    }
    if (!within(source, scope.manifestDir) && !policy.allowHostPaths.some((dir) => within(source, dir))) {
      refuse(`host path ${source}`, `--allow-host-paths ${source}`);
    }
  }
}

function within(candidate: string, folder: string): boolean {
  const relative = path.relative(folder, candidate);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}
