import type { Manifest } from '../api/manifest-types.js';
import { containerSites } from './container-sites.js';
import type { ContainerSite } from './container-sites.js';
import { displayPath } from './field-path.js';
import { findCycle } from './find-cycle.js';
import type { Finding } from './finding.js';
import { reservedLabels } from './reserved-labels.js';

/** Checks within one valid-by-schema manifest that JSON Schema cannot express. */
export function checkDocument(manifest: Manifest): Finding[] {
  const findings: Finding[] = [...reservedLabels(['metadata', 'labels'], manifest.metadata.labels)];
  for (const site of containerSites(manifest)) findings.push(...checkSite(site, manifest));
  if (manifest.kind === 'Stack') findings.push(...checkDependsOn(manifest.spec.services));
  if (manifest.kind === 'Project') {
    const seen = new Set<string>();
    manifest.spec.stages.forEach((stage, index) => {
      if (seen.has(stage.name))
        findings.push({
          path: ['spec', 'stages', index, 'name'],
          message: `spec.stages[${index}].name: stage "${stage.name}" is listed twice`,
        });
      seen.add(stage.name);
    });
  }
  if (manifest.kind === 'Compose') {
    const { file, compose } = manifest.spec;
    if ((file === undefined) === (compose === undefined)) {
      findings.push({
        path: ['spec'],
        message: 'spec must have exactly one of "file" (a compose file) and "compose" (the application inline)',
      });
    }
  }
  return findings;
}

function checkSite(site: ContainerSite, manifest: Manifest): Finding[] {
  const { path, fields } = site;
  const findings: Finding[] = [...reservedLabels([...path, 'labels'], fields.labels)];
  const published = (fields.ports ?? [])
    .map((port, index) => ({ port, index }))
    .filter(({ port }) => port.host !== undefined);
  const network = fields.network ?? 'bridge';
  for (const { index } of published) {
    const at = [...path, 'ports', index, 'host'];
    if (network === 'host' || network === 'none') {
      findings.push({
        path: at,
        message: `${displayPath(at)}: ports cannot be published with network "${network}"${network === 'host' ? ' (the program already listens on the host)' : ''}`,
      });
    } else if (manifest.kind === 'Project') {
      findings.push({
        path: at,
        message: `${displayPath(at)}: a Project's host ports are chosen by the controller (each slot gets a free one); remove "host"`,
      });
    } else if (site.maxContainers > 1) {
      findings.push({
        path: at,
        message: `${displayPath(at)}: ${site.maxContainers} replicas cannot all bind host port ${String(fields.ports?.[index]?.host)}; use one replica or leave "host" out`,
      });
    }
  }
  return findings;
}

function checkDependsOn(services: Record<string, { dependsOn?: string[] }>): Finding[] {
  const findings: Finding[] = [];
  const graph = new Map<string, string[]>();
  for (const [name, service] of Object.entries(services)) {
    const needs = service.dependsOn ?? [];
    graph.set(name, needs);
    needs.forEach((need, index) => {
      const at = ['spec', 'services', name, 'dependsOn', index];
      if (need === name)
        findings.push({ path: at, message: `${displayPath(at)}: service "${name}" cannot depend on itself` });
      else if (!(need in services))
        findings.push({
          path: at,
          message: `${displayPath(at)}: no service "${need}" in this stack (services: ${Object.keys(services).join(', ')})`,
        });
    });
  }
  const cycle = findCycle(new Map([...graph].map(([name, needs]) => [name, needs.filter((n) => n !== name)])));
  if (cycle) {
    const first = cycle[0]!;
    findings.push({
      path: ['spec', 'services', first, 'dependsOn'],
      message: `spec.services: dependsOn forms a cycle: ${cycle.join(' -> ')}`,
    });
  }
  return findings;
}
