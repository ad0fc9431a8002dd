import path from 'node:path';
import { bindSource } from '../api/compose-volumes.js';
import { DEFAULT_HOST_IP } from '../api/defaults.js';
import type { ContainerFields, PortMapping, VolumeMount } from '../api/manifest-types.js';
import type { ComposeApp } from '../api/manifest-types.js';

/** A Compose service in tinyforge's container fields, plus what has no field there. */
export interface ComposeService {
  name: string;
  fields: ContainerFields;
  replicas: number;
  dependsOn: string[];
  /** Docker's healthcheck test (`CMD-SHELL` forms included), when the service has one. */
  healthTest?: string[];
}

/**
 * Translates the Compose subset (already validated) into container fields, the way
 * Docker Compose reads it; paths stay relative to `composeDir`. Host ports bind
 * 127.0.0.1 unless the file names an address.
 */
export function composeServices(app: ComposeApp, composeDir: string): ComposeService[] {
  return Object.entries(app.services).map(([name, raw]) => {
    const s = raw as Record<string, unknown>;
    const fields: ContainerFields = { image: s['image'] as string };
    const pull = s['pull_policy'];
    if (pull !== undefined)
      fields.pullPolicy = pull === 'always' ? 'Always' : pull === 'never' ? 'Never' : 'IfNotPresent';
    if (s['entrypoint'] !== undefined) fields.command = words(s['entrypoint'] as string | string[]);
    if (s['command'] !== undefined) fields.args = words(s['command'] as string | string[]);
    const env = environment(s['environment']);
    if (env) fields.env = env;
    const envFile = s['env_file'];
    if (envFile !== undefined)
      fields.envFiles = (typeof envFile === 'string' ? [envFile] : (envFile as string[])).map((f) =>
        path.resolve(composeDir, f),
      );
    if (s['ports'] !== undefined) fields.ports = (s['ports'] as unknown[]).map(port);
    if (s['volumes'] !== undefined) fields.volumes = (s['volumes'] as unknown[]).map((v) => volume(v, composeDir));
    fields.network = typeof s['network_mode'] === 'string' ? s['network_mode'] : 'bridge';
    if (s['restart'] !== undefined) fields.restart = s['restart'] as ContainerFields['restart'];
    if (typeof s['user'] === 'string') fields.user = s['user'];
    if (typeof s['working_dir'] === 'string') fields.workingDir = s['working_dir'];
    if (typeof s['init'] === 'boolean') fields.init = s['init'];
    if (typeof s['stop_grace_period'] === 'string') fields.stopTimeout = s['stop_grace_period'];
    const labels = labelMap(s['labels']);
    if (labels) fields.labels = labels;
    const limits = (s['deploy'] as { resources?: { limits?: { memory?: string; cpus?: string | number } } } | undefined)
      ?.resources?.limits;
    const memory = limits?.memory ?? (s['mem_limit'] as string | number | undefined);
    const cpus = limits?.cpus ?? (s['cpus'] as string | number | undefined);
    if (memory !== undefined || cpus !== undefined) {
      fields.resources = {
        ...(memory !== undefined ? { memory: String(memory) } : {}),
        ...(cpus !== undefined ? { cpus: Number(cpus) } : {}),
      };
    }
    if (s['privileged'] === true) fields.privileged = true;
    if (Array.isArray(s['cap_add'])) fields.capAdd = s['cap_add'] as string[];
    if (Array.isArray(s['devices'])) fields.devices = (s['devices'] as string[]).map((d) => d.split(':')[0]!);
    if (s['pid'] === 'host') fields.pid = 'host';
    if (s['ipc'] === 'host') fields.ipc = 'host';
    const hc = s['healthcheck'] as
      | {
          test?: string | string[];
          interval?: string;
          timeout?: string;
          retries?: number;
          start_period?: string;
          disable?: boolean;
        }
      | undefined;
    let healthTest: string[] | undefined;
    if (hc && !hc.disable && hc.test !== undefined) {
      healthTest = typeof hc.test === 'string' ? ['CMD-SHELL', hc.test] : hc.test;
      if (healthTest[0] === 'NONE') healthTest = undefined;
      else {
        fields.healthcheck = {
          command: healthTest.slice(1),
          ...(hc.interval ? { interval: hc.interval } : {}),
          ...(hc.timeout ? { timeout: hc.timeout } : {}),
          ...(hc.retries ? { retries: hc.retries } : {}),
          ...(hc.start_period ? { startPeriod: hc.start_period } : {}),
        };
      }
    }
    const dependsOn = s['depends_on'];
    return {
      name,
      fields,
      replicas: (s['deploy'] as { replicas?: number } | undefined)?.replicas ?? 1,
      dependsOn: Array.isArray(dependsOn)
        ? (dependsOn as string[])
        : Object.keys((dependsOn as object | undefined) ?? {}),
      ...(healthTest ? { healthTest } : {}),
    };
  });
}

/** A Compose command string split like a shell would (quotes kept together), or the list as is. */
function words(value: string | string[]): string[] {
  if (Array.isArray(value)) return value;
  return [...value.matchAll(/"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3] ?? '');
}

function environment(value: unknown): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  const env: Record<string, string> = {};
  if (Array.isArray(value)) {
    for (const entry of value as string[]) {
      const eq = entry.indexOf('=');
      if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1);
    }
  } else {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) if (v !== null) env[k] = String(v);
  }
  return env;
}

function labelMap(value: unknown): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value))
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
  return Object.fromEntries(
    (value as string[]).map((e) => [e.split('=')[0]!, e.includes('=') ? e.slice(e.indexOf('=') + 1) : '']),
  );
}

function port(value: unknown): PortMapping {
  if (typeof value === 'number') return { container: value };
  if (typeof value === 'string') {
    const m = /^(?:(\d{1,3}(?:\.\d{1,3}){3}):)?(?:(\d{1,5}):)?(\d{1,5})(?:\/(tcp|udp))?$/.exec(value)!;
    return {
      container: Number(m[3]),
      ...(m[2] ? { host: Number(m[2]), hostIP: m[1] ?? DEFAULT_HOST_IP } : {}),
      protocol: (m[4] as 'tcp' | 'udp' | undefined) ?? 'tcp',
    };
  }
  const long = value as { target: number; published?: number | string; host_ip?: string; protocol?: 'tcp' | 'udp' };
  return {
    container: long.target,
    ...(long.published !== undefined ? { host: Number(long.published), hostIP: long.host_ip ?? DEFAULT_HOST_IP } : {}),
    protocol: long.protocol ?? 'tcp',
  };
}

function volume(value: unknown, composeDir: string): VolumeMount {
  const bind = bindSource(value);
  if (typeof value === 'string') {
    const [source = '', target = '', mode] = value.split(':');
    const readOnly = mode === 'ro';
    return bind !== undefined
      ? { hostPath: path.resolve(composeDir, bind), target, readOnly }
      : { name: source, target, readOnly };
  }
  const long = value as { source: string; target: string; read_only?: boolean };
  return bind !== undefined
    ? { hostPath: path.resolve(composeDir, bind), target: long.target, readOnly: long.read_only ?? false }
    : { name: long.source, target: long.target, readOnly: long.read_only ?? false };
}
