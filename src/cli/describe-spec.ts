import path from 'node:path';
import type { ContainerFields, Healthcheck, PortMapping } from '../api/manifest-types.js';
import type { Workload } from '../api/workload.js';
import { composeServices } from '../reconcile/compose-services.js';

/** One role of a workload as its manifest asks for it. */
interface RoleSpec {
  role: string;
  fields: ContainerFields;
  replicas: number;
  /** Paths of env files as the manifest names them (their values are secrets: never read here). */
  envFiles: string[];
}

/**
 * The spec part of `describe`: the workload-wide settings, then per role its image,
 * replicas, command, ports, network, healthcheck, the keys of its inline env (never a
 * value: a manifest may hold what its author thinks of as a secret) and the env files
 * it names (never their content).
 */
export function specLines(workload: Workload): string[] {
  const lines = workloadSettings(workload);
  for (const role of roleSpecs(workload)) {
    lines.push(`${role.role}:`);
    lines.push(...roleLines(role).map(([label, value]) => `  ${`${label}:`.padEnd(14)}${value}`));
  }
  return lines;
}

function workloadSettings(workload: Workload): string[] {
  const { manifest } = workload;
  switch (manifest.kind) {
    case 'Image':
      return [`Update strategy: ${manifest.spec.update?.strategy ?? 'recreate'}`];
    case 'Project': {
      const { spec } = manifest;
      const rollout = spec.rollout?.healthTimeout ? `, health timeout ${spec.rollout.healthTimeout}` : '';
      return [
        `Strategy: ${spec.strategy ?? 'blue-green'}${rollout}`,
        ...(spec.port === undefined ? [] : [`Port: ${spec.port}`]),
      ];
    }
    case 'Compose':
      return [`Compose file: ${manifest.spec.file ?? '(inline)'}`];
    case 'Static':
      return [
        `Path: ${manifest.spec.path}`,
        ...(manifest.spec.port === undefined ? [] : [`Port: ${manifest.spec.port}`]),
      ];
    default:
      return [];
  }
}

function roleSpecs(workload: Workload): RoleSpec[] {
  const { manifest } = workload;
  const role = (name: string, fields: ContainerFields, replicas = 1): RoleSpec => ({
    role: name,
    fields,
    replicas,
    envFiles: fields.envFiles ?? [],
  });
  switch (manifest.kind) {
    case 'Image':
      return [role('image', manifest.spec, manifest.spec.replicas)];
    case 'Stack':
      return Object.entries(manifest.spec.services).map(([name, s]) => role(name, s, s.replicas));
    case 'Project':
      return manifest.spec.stages.map((stage) =>
        role(
          stage.name,
          {
            ...manifest.spec,
            image: `${manifest.spec.image}:${stage.tag}`,
            env: { ...manifest.spec.env, ...stage.env },
          },
          stage.replicas,
        ),
      );
    case 'Static':
      return [role('static', { ...manifest.spec, image: manifest.spec.image ?? '(the default web-server image)' })];
    case 'Compose':
      return composeServices(workload.compose ?? { services: {} }, workload.dir).map((s) => ({
        ...role(s.name, s.fields, s.replicas),
        envFiles: (s.fields.envFiles ?? []).map((file) => path.relative(workload.dir, file)),
      }));
  }
}

function roleLines({ fields, replicas, envFiles }: RoleSpec): [string, string][] {
  const command = [...(fields.command ?? []), ...(fields.args ?? [])];
  const lines: [string, string][] = [
    ['Image', fields.image ?? ''],
    ['Replicas', String(replicas)],
  ];
  if (command.length > 0) lines.push(['Command', words(command)]);
  lines.push(['Ports', (fields.ports ?? []).map(portText).join(', ') || '<none>']);
  lines.push(['Network', fields.network ?? 'bridge']);
  if (fields.domain) lines.push(['Domain', fields.domain]);
  lines.push(['Healthcheck', fields.healthcheck ? healthText(fields.healthcheck) : '<none>']);
  const keys = Object.keys(fields.env ?? {}).sort();
  if (keys.length > 0) lines.push(['Env', keys.join(', ')]);
  if (envFiles.length > 0) lines.push(['Env files', `${envFiles.join(', ')} (values not shown)`]);
  return lines;
}

/** `127.0.0.1:8080->80/tcp`, as `docker ps` shows a published port; `80/tcp` when not published. */
function portText(port: PortMapping): string {
  const inside = `${port.container}/${port.protocol ?? 'tcp'}`;
  return port.host === undefined ? inside : `${port.hostIP ?? '127.0.0.1'}:${port.host}->${inside}`;
}

function healthText(check: Healthcheck): string {
  const how = [
    check.interval && `every ${check.interval}`,
    check.timeout && `timeout ${check.timeout}`,
    check.retries !== undefined && `${check.retries} retries`,
    check.startPeriod && `start period ${check.startPeriod}`,
  ].filter(Boolean);
  return `${words(check.command)}${how.length > 0 ? ` (${how.join(', ')})` : ''}`;
}

/** A command as a shell would take it back: words with spaces or quotes are quoted. */
function words(argv: readonly string[]): string {
  return argv.map((w) => (/^[\w@%+=:,./-]+$/.test(w) ? w : JSON.stringify(w))).join(' ');
}
