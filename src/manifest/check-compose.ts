import { bindSource } from '../api/compose-volumes.js';
import type { ComposeApp } from '../api/manifest-types.js';
import { checkComposePolicy } from './check-policy.js';
import { checkReference, emptyReferenceCheck } from './check-references.js';
import type { ReferenceCheck } from './check-references.js';
import { DEFAULT_HOST_IP, portClaim } from './collect-claims.js';
import type { UnplacedClaim } from './collect-claims.js';
import type { FieldPath } from './field-path.js';
import { displayPath } from './field-path.js';
import { findCycle } from './find-cycle.js';
import { reservedLabels } from './reserved-labels.js';
import type { ReferenceContext } from './resolve-reference.js';

export interface ComposeCheck extends ReferenceCheck {
  claims: UnplacedClaim[];
}

/**
 * Checks a compose application (already valid against compose-file.schema.json) at
 * `base` in its document: policy-gated keys, reserved labels, env_file and bind-mount
 * paths (relative to `fromDir`), depends_on, and the host ports it publishes.
 */
export function checkCompose(
  app: ComposeApp,
  base: FieldPath,
  fromDir: string,
  context: ReferenceContext,
): ComposeCheck {
  const check: ComposeCheck = { ...emptyReferenceCheck(), claims: [] };
  const graph = new Map<string, string[]>();
  for (const [name, service] of Object.entries(app.services)) {
    const at = (...rest: (string | number)[]): FieldPath => [...base, 'services', name, ...rest];
    check.findings.push(...checkComposePolicy(at(), service, context.policy));
    check.findings.push(...reservedLabels(at('labels'), service['labels'] as Record<string, unknown> | string[]));
    const envFiles = service['env_file'];
    (typeof envFiles === 'string' ? [envFiles] : ((envFiles as string[] | undefined) ?? [])).forEach(
      (written, index) => {
        const path = typeof envFiles === 'string' ? at('env_file') : at('env_file', index);
        checkReference(check, path, { kind: 'envFile', written, fromDir, mustBe: 'file' }, context);
      },
    );
    ((service['volumes'] as unknown[] | undefined) ?? []).forEach((volume, index) => {
      const source = bindSource(volume);
      if (source === undefined) return;
      const path = typeof volume === 'string' ? at('volumes', index) : at('volumes', index, 'source');
      if (source.startsWith('~')) {
        check.findings.push({
          path,
          message: `${displayPath(path)}: "~" is not supported; use a path relative to the compose file`,
        });
        return;
      }
      checkReference(check, path, { kind: 'hostPath', written: source, fromDir, mustBe: 'any' }, context);
    });
    const dependsOn = service['depends_on'];
    const needs = Array.isArray(dependsOn)
      ? (dependsOn as string[])
      : Object.keys((dependsOn as Record<string, unknown> | undefined) ?? {});
    graph.set(name, needs);
    needs.forEach((need, index) => {
      const path = Array.isArray(dependsOn) ? at('depends_on', index) : at('depends_on', need);
      if (!(need in app.services) || need === name) {
        check.findings.push({
          path,
          message: `${displayPath(path)}: no other service "${need}" in this application`,
          anchor: Array.isArray(dependsOn) ? 'value' : 'key',
        });
      }
    });
    checkPorts(check, service, at, name);
  }
  const cycle = findCycle(graph);
  if (cycle)
    check.findings.push({
      path: [...base, 'services', cycle[0]!, 'depends_on'],
      message: `${displayPath([...base, 'services'])}: depends_on forms a cycle: ${cycle.join(' -> ')}`,
    });
  return check;
}

function checkPorts(
  check: ComposeCheck,
  service: Record<string, unknown>,
  at: (...rest: (string | number)[]) => FieldPath,
  name: string,
): void {
  const network = typeof service['network_mode'] === 'string' ? service['network_mode'] : 'bridge';
  const replicas = (service['deploy'] as { replicas?: number } | undefined)?.replicas ?? 1;
  ((service['ports'] as unknown[] | undefined) ?? []).forEach((port, index) => {
    const published = publishedPort(port);
    if (!published) return;
    const path = at('ports', index);
    if (network === 'host' || network === 'none') {
      check.findings.push({
        path,
        message: `${displayPath(path)}: ports cannot be published with network_mode "${network}"`,
      });
    } else if (replicas > 1) {
      check.findings.push({
        path,
        message: `${displayPath(path)}: ${replicas} replicas of "${name}" cannot all bind host port ${published.port}`,
      });
    } else {
      check.claims.push(portClaim(path, published.protocol, published.hostIP, published.port));
    }
  });
}

/** The host side of a compose port entry, when it publishes a fixed host port. */
export function publishedPort(port: unknown): { hostIP: string; port: number; protocol: string } | undefined {
  if (typeof port === 'string') {
    const match = /^(?:(\d{1,3}(?:\.\d{1,3}){3}):)?(?:(\d{1,5}):)?(\d{1,5})(?:\/(tcp|udp))?$/.exec(port);
    if (!match || match[2] === undefined) return undefined;
    return { hostIP: match[1] ?? DEFAULT_HOST_IP, port: Number(match[2]), protocol: match[4] ?? 'tcp' };
  }
  if (port !== null && typeof port === 'object') {
    const long = port as { published?: number | string; host_ip?: string; protocol?: string };
    if (long.published === undefined) return undefined;
    return { hostIP: long.host_ip ?? DEFAULT_HOST_IP, port: Number(long.published), protocol: long.protocol ?? 'tcp' };
  }
  return undefined;
}
