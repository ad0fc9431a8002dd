import type { Manifest } from '../api/manifest-types.js';
import { portClaimKey } from './claim.js';
import type { Claim } from './claim.js';
import { containerSites } from './container-sites.js';
import type { FieldPath } from './field-path.js';

/** A claim before it is placed in the YAML text. */
export type UnplacedClaim = Omit<Claim, 'at'> & { path: FieldPath };

export { DEFAULT_HOST_IP } from '../api/defaults.js';
import { DEFAULT_HOST_IP } from '../api/defaults.js';

/** The host ports, route domains and role names a manifest claims. */
export function collectClaims(manifest: Manifest): UnplacedClaim[] {
  const claims: UnplacedClaim[] = roleNameClaims(manifest);
  for (const site of containerSites(manifest)) {
    (site.fields.ports ?? []).forEach((port, index) => {
      if (port.host === undefined) return;
      claims.push(
        portClaim(
          [...site.path, 'ports', index, 'host'],
          port.protocol ?? 'tcp',
          port.hostIP ?? DEFAULT_HOST_IP,
          port.host,
        ),
      );
    });
    if (site.fields.domain !== undefined) claims.push(domainClaim([...site.path, 'domain'], site.fields.domain));
  }
  if (manifest.kind === 'Project') {
    manifest.spec.stages.forEach((stage, index) => {
      if (stage.domain !== undefined) claims.push(domainClaim(['spec', 'stages', index, 'domain'], stage.domain));
    });
  }
  return claims;
}

export function portClaim(path: FieldPath, protocol: string, hostIP: string, port: number): UnplacedClaim {
  return {
    type: 'port',
    path,
    ...portClaimKey(protocol, hostIP, port),
    label: `host port ${hostIP}:${port}/${protocol}`,
  };
}

export function domainClaim(path: FieldPath, domain: string): UnplacedClaim {
  return { type: 'domain', path, key: domain, wildcard: false, label: `a route for domain ${domain}` };
}

/**
 * `<name>-<role>` starts the names of a role's containers, and is the name of its route
 * and Swarm service (`tf-app-b-c`): Stack `app` with service `b-c` and Stack `app-b`
 * with service `c` would share them.
 */
function roleNameClaims(manifest: Manifest): UnplacedClaim[] {
  const { name } = manifest.metadata;
  const claim = (path: FieldPath, role: string): UnplacedClaim => ({
    type: 'name',
    path,
    key: `${name}-${role}`,
    wildcard: false,
    label: `the name ${name}-${role} (of ${manifest.kind.toLowerCase()}/${name}, role ${role})`,
  });
  switch (manifest.kind) {
    case 'Image':
      return [claim(['metadata', 'name'], 'image')];
    case 'Static':
      return [claim(['metadata', 'name'], 'static')];
    case 'Stack':
      return Object.keys(manifest.spec.services).map((role) => claim(['spec', 'services', role], role));
    case 'Project':
      return manifest.spec.stages.map((stage, index) => claim(['spec', 'stages', index, 'name'], stage.name));
    case 'Compose':
      return Object.keys(manifest.spec.compose?.services ?? {}).map((role) =>
        claim(['spec', 'compose', 'services', role], role),
      );
  }
}
