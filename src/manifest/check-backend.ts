import type { Manifest } from '../api/manifest-types.js';
import { containerSites } from './container-sites.js';
import type { FieldPath } from './field-path.js';
import { displayPath } from './field-path.js';
import type { Finding } from './finding.js';

/** What workloads become: containers on one engine, or services of a Swarm cluster (DESIGN.md section 7). */
export type BackendName = 'docker' | 'swarm';

/**
 * The fields only a Swarm service has (`placement`, a port's `publishMode: ingress`): under
 * the docker backend they are mistakes, each named with the flag that gives them meaning,
 * never ignored without a word.
 */
export function checkBackend(manifest: Manifest, backend: BackendName): Finding[] {
  if (backend === 'swarm') return [];
  const findings: Finding[] = [];
  const swarmOnly = (path: FieldPath, what: string) =>
    findings.push({ path, anchor: 'key', message: `${displayPath(path)}: ${what}; run with --backend swarm` });
  for (const site of containerSites(manifest)) {
    if (site.fields.placement !== undefined) swarmOnly([...site.path, 'placement'], 'placement is for Swarm services');
    (site.fields.ports ?? []).forEach((port, index) => {
      if (port.publishMode === 'ingress')
        swarmOnly([...site.path, 'ports', index, 'publishMode'], "Swarm's ingress publish mode is for Swarm services");
    });
  }
  return findings;
}
