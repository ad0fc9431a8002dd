import path from 'node:path';
import { DEFAULT_DOCKER_SOCKETS, normalizeCapability } from '../api/policy.js';
import type { Policy } from '../api/policy.js';
import { UsageError } from './errors.js';

/** The `--allow-*` options, shared by run, plan and validate (the same manifests must pass all three). */
export const POLICY_OPTIONS = {
  'allow-privileged': { type: 'boolean' },
  'allow-capabilities': { type: 'string', multiple: true },
  'allow-devices': { type: 'boolean' },
  'allow-host-namespaces': { type: 'boolean' },
  'allow-host-paths': { type: 'string', multiple: true },
} as const;

export interface PolicyFlagValues {
  'allow-privileged'?: boolean;
  'allow-capabilities'?: string[];
  'allow-devices'?: boolean;
  'allow-host-namespaces'?: boolean;
  'allow-host-paths'?: string[];
}

/** Builds the Policy from flags; `dockerHost` adds the socket the controller talks to. */
export function policyFromFlags(values: PolicyFlagValues, dockerHost: string | undefined): Policy {
  const list = (entries: string[] | undefined) =>
    (entries ?? [])
      .flatMap((e) => e.split(','))
      .map((e) => e.trim())
      .filter((e) => e !== '');
  const sockets: string[] = [...DEFAULT_DOCKER_SOCKETS];
  if (dockerHost?.startsWith('unix://')) sockets.push(dockerHost.slice('unix://'.length));
  return {
    allowPrivileged: values['allow-privileged'] ?? false,
    allowCapabilities: list(values['allow-capabilities']).map(capability),
    allowDevices: values['allow-devices'] ?? false,
    allowHostNamespaces: values['allow-host-namespaces'] ?? false,
    allowHostPaths: list(values['allow-host-paths']).map((dir) => path.resolve(dir)),
    dockerSockets: sockets,
  };
}

/** `net_admin`, `CAP_NET_ADMIN` -> `NET_ADMIN`; anything but a capability name is a usage error. */
function capability(text: string): string {
  const name = normalizeCapability(text);
  if (!/^[A-Z][A-Z0-9_]{1,31}$/.test(name))
    throw new UsageError(`--allow-capabilities takes capability names such as NET_ADMIN (got ${JSON.stringify(text)})`);
  return name;
}
