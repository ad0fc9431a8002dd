import { createHash } from 'node:crypto';
import type Docker from 'dockerode';
import { canonicalJson } from '../reconcile/canonical-json.js';

/** The subset of a service spec tinyforge reads back: what it sends, and what Swarm echoes. */
interface SpecShape {
  TaskTemplate?: {
    ContainerSpec?: Record<string, unknown>;
    Resources?: { Limits?: { NanoCPUs?: number; MemoryBytes?: number } };
    RestartPolicy?: { Condition?: string };
    Placement?: { Constraints?: string[]; MaxReplicas?: number; Preferences?: unknown[] };
  };
  Mode?: { Replicated?: { Replicas?: number } };
  UpdateConfig?: { Parallelism?: number; Order?: string; FailureAction?: string; Monitor?: number };
  EndpointSpec?: { Ports?: { Protocol?: string; TargetPort?: number; PublishedPort?: number; PublishMode?: string }[] };
}

/**
 * The `tinyforge.service-hash` label of a spec (DESIGN.md section 7: drift): each field
 * tinyforge sets, as `name=digest` pairs. The service's own labels are not in it (their
 * signature guards them), nor its networks (Swarm echoes their ids, not their names).
 */
export function serviceHash(spec: Docker.ServiceSpec): string {
  return Object.entries(serviceFields(spec))
    .map(([name, value]) => `${name}=${digest(value)}`)
    .join(',');
}

/**
 * The fields of `spec` whose digest differs from the one `stamp` recorded: what was changed
 * outside tinyforge. A service without a stamp (made before there was one) shows none.
 */
export function serviceDrift(spec: Docker.ServiceSpec, stamp: string | undefined): string[] {
  if (!stamp) return [];
  const stamped = new Map(stamp.split(',').map((pair) => pair.split('=') as [string, string]));
  return Object.entries(serviceFields(spec))
    .filter(([name, value]) => stamped.has(name) && stamped.get(name) !== digest(value))
    .map(([name]) => name);
}

/**
 * Each field tinyforge sets, in one form whether it is read from the spec sent or from the
 * spec Swarm echoes: absent and empty alike, defaults Swarm adds left out, an image without
 * the `@sha256:` digest the CLI pins, env in any order. Named as in a manifest.
 */
function serviceFields(spec: Docker.ServiceSpec): Record<string, unknown> {
  const { TaskTemplate: task = {}, Mode, UpdateConfig: update = {}, EndpointSpec } = spec as SpecShape;
  const c = task.ContainerSpec ?? {};
  const list = (key: string) => (c[key] as string[] | undefined) ?? [];
  return {
    image: String(c.Image ?? '').replace(/@sha256:[0-9a-f]+$/, ''),
    command: list('Command'),
    args: list('Args'),
    env: [...list('Env')].sort(),
    workingDir: c.Dir ?? '',
    user: c.User ?? '',
    init: c.Init === true,
    labels: c.Labels ?? {},
    volumes: ((c.Mounts as Record<string, unknown>[] | undefined) ?? []).map((m) => ({
      type: m.Type,
      source: m.Source ?? '',
      target: m.Target,
      readOnly: m.ReadOnly === true,
    })),
    stopTimeout: c.StopGracePeriod ?? 0,
    capAdd: list('CapabilityAdd'),
    // Sent as HealthCheck, echoed as Healthcheck; zero values are left out of the echo.
    healthcheck: withoutZeros((c.HealthCheck ?? c.Healthcheck ?? {}) as Record<string, unknown>),
    resources: withoutZeros({ ...task.Resources?.Limits }),
    restart: task.RestartPolicy?.Condition ?? 'any',
    placement: {
      constraints: [...(task.Placement?.Constraints ?? [])].sort(),
      maxReplicasPerNode: task.Placement?.MaxReplicas ?? 0,
      spread: task.Placement?.Preferences ?? [],
    },
    replicas: Mode?.Replicated?.Replicas ?? 1,
    ports: (EndpointSpec?.Ports ?? []).map((p) => ({
      protocol: p.Protocol ?? 'tcp',
      container: p.TargetPort,
      host: p.PublishedPort ?? 0,
      mode: p.PublishMode ?? 'ingress',
    })),
    update: withoutZeros({ ...update }),
  };
}

function withoutZeros(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined && v !== 0 && v !== null));
}

/** 32 bits per field: enough to notice a change, short enough for a label. */
function digest(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex').slice(0, 8);
}
