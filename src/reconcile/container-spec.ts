import path from 'node:path';
import type { ContainerFields, Placement } from '../api/manifest-types.js';
import { parseDuration, parseSize } from '../api/units.js';
import type { Reference } from '../api/workload.js';
import { DEFAULT_HOST_IP } from '../api/defaults.js';

/**
 * The canonical description of one container: everything that, when it changes, means
 * the container must be recreated. Its hash is the `tinyforge.spec-hash` label. It
 * holds no secret: env files appear as a keyed digest of their bytes.
 */
export interface ContainerSpec {
  image: string;
  entrypoint: string[] | null;
  cmd: string[] | null;
  env: Record<string, string>;
  envFiles: { file: string; digest: string }[];
  /** `publishMode` is there only for `ingress`: a port without it hashes as it always did. */
  ports: { container: number; host: number | null; hostIP: string; protocol: 'tcp' | 'udp'; publishMode?: 'ingress' }[];
  mounts: { type: 'volume' | 'bind'; source: string; target: string; readOnly: boolean }[];
  network: string;
  restart: string;
  healthcheck: {
    test: string[];
    intervalMs: number | null;
    timeoutMs: number | null;
    retries: number | null;
    startPeriodMs: number | null;
  } | null;
  memoryBytes: number | null;
  cpus: number | null;
  user: string | null;
  workingDir: string | null;
  init: boolean;
  stopTimeoutSeconds: number | null;
  labels: Record<string, string>;
  privileged: boolean;
  capAdd: string[];
  devices: string[];
  pid: string | null;
  ipc: string | null;
  uts: string | null;
  userns: string | null;
  domain: string | null;
  /** Swarm only; there only when the manifest sets it, so a spec without it hashes as it always did. */
  placement?: SpecPlacement;
}

/** Where Swarm may place a service's tasks (a manifest's `placement`, defaults filled in). */
export interface SpecPlacement {
  constraints: string[];
  maxReplicasPerNode: number | null;
  /** Spread descriptors, e.g. `node.labels.zone`. */
  spread: string[];
}

export interface SpecInputs {
  fields: ContainerFields;
  /** The workload's metadata.labels, copied onto the container under the site's own labels. */
  metadataLabels: Record<string, string> | undefined;
  /** The workload's resolved references (for hostPath volumes and env files). */
  references: readonly Reference[];
  /** The folder relative paths of these fields start from. */
  dir: string;
  /** Healthcheck test in Docker's form, when it is not a plain command (`CMD-SHELL`, from Compose). */
  healthTest?: string[];
  /** Keyed digest of a referenced file's bytes. */
  digest: (reference: Reference) => string;
}

/** Container fields of a manifest -> the canonical ContainerSpec (defaults filled in). */
export function containerSpec(inputs: SpecInputs): ContainerSpec {
  const { fields, references, dir } = inputs;
  const reference = (written: string) => references.find((r) => r.path === path.resolve(dir, written));
  const envFiles = (fields.envFiles ?? []).map((file) => {
    const ref = reference(file);
    return { file: path.relative(dir, path.resolve(dir, file)), digest: ref ? inputs.digest(ref) : 'missing' };
  });
  const mounts = (fields.volumes ?? []).map((volume) =>
    'hostPath' in volume
      ? {
          type: 'bind' as const,
          source: reference(volume.hostPath)?.realPath ?? path.resolve(dir, volume.hostPath),
          target: volume.target,
          readOnly: volume.readOnly ?? false,
        }
      : { type: 'volume' as const, source: volume.name, target: volume.target, readOnly: volume.readOnly ?? false },
  );
  const hc = fields.healthcheck;
  const test = inputs.healthTest ?? (hc ? ['CMD', ...hc.command] : undefined);
  return {
    image: fields.image ?? '',
    entrypoint: fields.command ?? null,
    cmd: fields.args ?? null,
    env: { ...(fields.env ?? {}) },
    envFiles,
    ports: (fields.ports ?? []).map((p) => ({
      container: p.container,
      host: p.host ?? null,
      hostIP: p.hostIP ?? DEFAULT_HOST_IP,
      protocol: p.protocol ?? 'tcp',
      ...(p.publishMode === 'ingress' ? { publishMode: 'ingress' as const } : {}),
    })),
    mounts,
    network: fields.network ?? 'bridge',
    restart: fields.restart ?? 'unless-stopped',
    healthcheck:
      hc && test
        ? {
            test,
            intervalMs: hc.interval ? parseDuration(hc.interval) : null,
            timeoutMs: hc.timeout ? parseDuration(hc.timeout) : null,
            retries: hc.retries ?? null,
            startPeriodMs: hc.startPeriod ? parseDuration(hc.startPeriod) : null,
          }
        : null,
    memoryBytes: fields.resources?.memory ? parseSize(fields.resources.memory) : null,
    cpus: fields.resources?.cpus ?? null,
    user: fields.user ?? null,
    workingDir: fields.workingDir ?? null,
    init: fields.init ?? false,
    stopTimeoutSeconds: fields.stopTimeout ? Math.ceil(parseDuration(fields.stopTimeout) / 1000) : null,
    labels: { ...(inputs.metadataLabels ?? {}), ...(fields.labels ?? {}) },
    privileged: fields.privileged ?? false,
    capAdd: fields.capAdd ?? [],
    devices: fields.devices ?? [],
    pid: fields.pid ?? null,
    ipc: fields.ipc ?? null,
    uts: fields.uts ?? null,
    userns: fields.userns ?? null,
    domain: fields.domain ?? null,
    ...(fields.placement ? { placement: specPlacement(fields.placement) } : {}),
  };
}

function specPlacement(placement: Placement): SpecPlacement {
  return {
    constraints: placement.constraints ?? [],
    maxReplicasPerNode: placement.maxReplicasPerNode ?? null,
    spread: (placement.preferences ?? []).map((p) => p.spread),
  };
}
