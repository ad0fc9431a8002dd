import type { ContainerFields, Manifest } from '../api/manifest-types.js';
import { joinsAnotherNamespace, normalizeCapability } from '../api/policy.js';
import type { Policy } from '../api/policy.js';
import { containerSites } from './container-sites.js';
import type { Finding } from './finding.js';
import type { FieldPath } from './field-path.js';
import { displayPath } from './field-path.js';

/**
 * The policy-gated fields (README: Container fields; host paths are checked with the other
 * references, Compose services by checkComposePolicy). Each finding names the field and the flag that would allow it.
 */
export function checkPolicy(manifest: Manifest, policy: Policy): Finding[] {
  const findings: Finding[] = [];
  for (const site of containerSites(manifest)) findings.push(...checkFields(site.path, site.fields, policy));
  return findings;
}

function checkFields(base: FieldPath, fields: ContainerFields, policy: Policy): Finding[] {
  return gate(base, policy, {
    privileged: fields.privileged,
    capabilities: fields.capAdd,
    capabilitiesKey: 'capAdd',
    devices: fields.devices,
    namespaces: { pid: fields.pid, ipc: fields.ipc, uts: fields.uts, userns: fields.userns },
    network: { key: 'network', value: fields.network },
  });
}

/** The same gates for a Compose service, whose fields are spelled the Compose way. */
export function checkComposePolicy(base: FieldPath, service: Record<string, unknown>, policy: Policy): Finding[] {
  return gate(base, policy, {
    privileged: service['privileged'] as boolean | undefined,
    capabilities: service['cap_add'] as string[] | undefined,
    capabilitiesKey: 'cap_add',
    devices: service['devices'] as string[] | undefined,
    namespaces: { pid: service['pid'] as string | undefined, ipc: service['ipc'] as string | undefined },
    network: { key: 'network_mode', value: service['network_mode'] as string | undefined },
  });
}

interface Gated {
  privileged: boolean | undefined;
  capabilities: string[] | undefined;
  capabilitiesKey: string;
  devices: string[] | undefined;
  namespaces: Record<string, string | undefined>;
  /** The field that names the network mode, spelled as the manifest spells it. */
  network: { key: string; value: string | undefined };
}

function gate(base: FieldPath, policy: Policy, gated: Gated): Finding[] {
  const findings: Finding[] = [];
  const at = (...rest: (string | number)[]): FieldPath => [...base, ...rest];
  if (gated.privileged === true && !policy.allowPrivileged) {
    findings.push({
      path: at('privileged'),
      message: `${displayPath(at('privileged'))}: privileged containers are not allowed; the operator can allow them with --allow-privileged`,
    });
  }
  const allowedCaps = new Set(policy.allowCapabilities.map(normalizeCapability));
  (gated.capabilities ?? []).forEach((cap, index) => {
    const name = normalizeCapability(cap);
    if (!allowedCaps.has(name) && !allowedCaps.has('ALL')) {
      const path = at(gated.capabilitiesKey, index);
      findings.push({
        path,
        message: `${displayPath(path)}: capability ${name} is not allowed; the operator can allow it with --allow-capabilities ${name}`,
      });
    }
  });
  if ((gated.devices ?? []).length > 0 && !policy.allowDevices) {
    const path = at('devices');
    findings.push({
      path,
      message: `${displayPath(path)}: host devices are not allowed; the operator can allow them with --allow-devices`,
    });
  }
  for (const [key, value] of Object.entries(gated.namespaces)) {
    if (value !== undefined && !policy.allowHostNamespaces) {
      const path = at(key);
      findings.push({
        path,
        message: `${displayPath(path)}: sharing the host's ${key} namespace is not allowed; the operator can allow it with --allow-host-namespaces`,
      });
    }
  }
  const network = gated.network.value;
  if (network !== undefined && joinsAnotherNamespace(network) && !policy.allowHostNamespaces) {
    const path = at(gated.network.key);
    findings.push({
      path,
      message: `${displayPath(path)}: joining another container's network namespace (${network}) is not allowed; the operator can allow it with --allow-host-namespaces`,
    });
  }
  return findings;
}
