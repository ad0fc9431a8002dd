import path from 'node:path';
import type { ContainerFields } from '../api/manifest-types.js';
import type { Reference, Workload } from '../api/workload.js';
import { specHash } from './canonical-json.js';
import { composeServices } from './compose-services.js';
import { parseDuration } from '../api/units.js';
import { containerSpec } from './container-spec.js';
import { ownedNamePrefix } from './owned-name-prefix.js';
import { rowIdOf } from './ownership.js';
import type { ContainerSpec } from './container-spec.js';

/** The web server a Static workload runs when its manifest names no image. */
export const DEFAULT_STATIC_IMAGE = 'nginx:1.27-alpine';
export const DEFAULT_STATIC_ROOT = '/usr/share/nginx/html';

/** One container a workload should have. */
export interface DesiredContainer {
  /** `<workload id>:<role>:<replica>`: the row id in the state file. */
  rowId: string;
  workloadId: string;
  /** The kind in lower case, as in the `tinyforge.workload.kind` label. */
  kind: string;
  workloadName: string;
  role: string;
  replica: number;
  /** Docker's container name: contains the workload, role, replica and spec hash. */
  name: string;
  spec: ContainerSpec;
  hash: string;
  pullPolicy: 'IfNotPresent' | 'Always' | 'Never';
  /** Env files to read into the environment at create time (their values are secrets). */
  envFiles: Reference[];
  /** Start order: 0 first; a service that depends on others comes after all of them. */
  level: number;
  /** Grace period of a stop, seconds. */
  stopTimeoutSeconds: number;
  strategy: 'recreate' | 'start-first';
  /** Project stages: how the stage rolls out; null for other kinds. */
  rollout: StageRollout | null;
  /** Project stages: the slot the container goes in, chosen when the rollout is planned. */
  slot: Slot | null;
  /** Where the program listens on the host network (a Static site's `port`): the route's target without published ports. */
  listenPort: number | null;
}

export type Slot = 'blue' | 'green';

/** How a Project stage is deployed (README: Kinds, Project). */
export interface StageRollout {
  stage: string;
  tag: string;
  /** Replicas of the stage. */
  replicas: number;
  /** Where the application listens; null on network host (the schema requires it elsewhere). */
  port: number | null;
  /** On network host each slot gets its own port, passed as $PORT; elsewhere `port` is published on 127.0.0.1. */
  hostNetwork: boolean;
  /** Whether the slot gets a host port at all (not on network none). */
  reachable: boolean;
  strategy: 'blue-green' | 'recreate';
  healthTimeoutMs: number;
  /** Without a healthcheck, a slot is healthy after running this long. */
  minReadyMs: number;
  healthchecked: boolean;
}

/** The defaults of `rollout` (README: Kinds, Project). */
export const DEFAULT_HEALTH_TIMEOUT_MS = 120_000;
export const DEFAULT_MIN_READY_SECONDS = 5;

export interface DesiredContext {
  controller: string;
  /** Keyed digest of a referenced file's bytes (secrets never appear in a hash in clear). */
  digest: (reference: Reference) => string;
}

interface Site {
  role: string;
  fields: ContainerFields;
  replicas: number;
  dependsOn: string[];
  dir: string;
  healthTest?: string[];
  extraMounts?: ContainerSpec['mounts'];
  rollout?: StageRollout;
  listenPort?: number;
}

/**
 * Every container a workload should have, in start order. A Project's containers come
 * without a slot: its rollout planner picks one.
 */
export function desiredContainers(workload: Workload, context: DesiredContext): DesiredContainer[] {
  const sites = sitesOf(workload);
  const levels = startLevels(sites);
  const strategy =
    workload.manifest.kind === 'Image' ? (workload.manifest.spec.update?.strategy ?? 'recreate') : 'recreate';
  const desired = sites.flatMap((site) =>
    siteContainers(workload, site, context, levels.get(site.role) ?? 0, strategy),
  );
  return desired.sort((a, b) => a.level - b.level);
}

/** Where a workload's containers come from: one site per role. */
function sitesOf(workload: Workload): Site[] {
  const { manifest } = workload;
  switch (manifest.kind) {
    case 'Image':
      return imageSites(workload, manifest);
    case 'Stack':
      return stackSites(workload, manifest);
    case 'Compose':
      return composeSites(workload);
    case 'Static':
      return staticSites(workload, manifest);
    case 'Project':
      return projectSites(workload, manifest);
  }
}

type ManifestOf<K extends Workload['manifest']['kind']> = Extract<Workload['manifest'], { kind: K }>;

function imageSites(workload: Workload, manifest: ManifestOf<'Image'>): Site[] {
  const { spec } = manifest;
  return [{ role: 'image', fields: spec, replicas: spec.replicas ?? 1, dependsOn: [], dir: workload.dir }];
}

function stackSites(workload: Workload, manifest: ManifestOf<'Stack'>): Site[] {
  return Object.entries(manifest.spec.services).map(([role, service]) => ({
    role,
    fields: service,
    replicas: service.replicas ?? 1,
    dependsOn: service.dependsOn ?? [],
    dir: workload.dir,
  }));
}

/** Compose services, their relative paths taken from the compose file's folder. */
function composeSites(workload: Workload): Site[] {
  const file = workload.references.find((r) => r.kind === 'composeFile');
  const dir = file ? path.dirname(file.path) : workload.dir;
  return composeServices(workload.compose ?? { services: {} }, dir).map((s) => ({
    role: s.name,
    fields: s.fields,
    replicas: s.replicas,
    dependsOn: s.dependsOn,
    dir,
    ...(s.healthTest ? { healthTest: s.healthTest } : {}),
  }));
}

/** A web server with the site's folder mounted read-only at its root. */
function staticSites(workload: Workload, manifest: ManifestOf<'Static'>): Site[] {
  const { spec } = manifest;
  const folder = workload.references.find((r) => r.kind === 'staticPath');
  const root = spec.root ?? DEFAULT_STATIC_ROOT;
  return [
    {
      role: 'static',
      fields: { ...spec, image: spec.image ?? DEFAULT_STATIC_IMAGE },
      replicas: 1,
      dependsOn: [],
      dir: workload.dir,
      extraMounts: folder ? [{ type: 'bind', source: folder.realPath, target: root, readOnly: true }] : [],
      ...(spec.port !== undefined ? { listenPort: spec.port } : {}),
    },
  ];
}

/** One site per stage, each with its image tag, environment, domain and rollout. */
function projectSites(workload: Workload, manifest: ManifestOf<'Project'>): Site[] {
  const { spec } = manifest;
  const network = spec.network ?? 'bridge';
  const hostNetwork = network === 'host';
  const { port, stages, strategy, rollout, image, ...fields } = spec;
  return stages.map((stage) => ({
    role: stage.name,
    fields: {
      ...fields,
      image: `${image}:${stage.tag}`,
      // On network host the port is the slot's own, set when it is created.
      env: {
        ...(hostNetwork || port === undefined ? {} : { PORT: String(port) }),
        ...(fields.env ?? {}),
        ...(stage.env ?? {}),
      },
      // Routes are per stage: a project-wide domain would route two stages to one name.
      domain: stage.domain,
    },
    replicas: stage.replicas ?? 1,
    dependsOn: [],
    dir: workload.dir,
    rollout: {
      stage: stage.name,
      tag: stage.tag,
      replicas: stage.replicas ?? 1,
      port: hostNetwork ? null : (port ?? null),
      hostNetwork,
      reachable: network !== 'none',
      strategy: strategy ?? 'blue-green',
      healthTimeoutMs: rollout?.healthTimeout ? parseDuration(rollout.healthTimeout) : DEFAULT_HEALTH_TIMEOUT_MS,
      minReadyMs: (rollout?.minReadySeconds ?? DEFAULT_MIN_READY_SECONDS) * 1000,
      healthchecked: fields.healthcheck !== undefined,
    },
  }));
}

/** A site's replicas: one container spec and hash, a row per replica. */
function siteContainers(
  workload: Workload,
  site: Site,
  context: DesiredContext,
  level: number,
  strategy: DesiredContainer['strategy'],
): DesiredContainer[] {
  const spec = containerSpec({
    fields: site.fields,
    metadataLabels: workload.manifest.metadata.labels,
    references: workload.references,
    dir: site.dir,
    digest: context.digest,
    ...(site.healthTest ? { healthTest: site.healthTest } : {}),
  });
  if (site.extraMounts) spec.mounts.push(...site.extraMounts);
  const hash = specHash(spec);
  const envFiles = (site.fields.envFiles ?? [])
    .map((f) => workload.references.find((r) => r.path === path.resolve(site.dir, f)))
    .filter((r): r is Reference => r !== undefined);
  return Array.from({ length: site.replicas }, (_, i) => {
    const replica = i + 1;
    return {
      rowId: rowIdOf({ workloadId: workload.id, role: site.role, replica, slot: null }),
      workloadId: workload.id,
      kind: workload.manifest.kind.toLowerCase(),
      workloadName: workload.name,
      role: site.role,
      replica,
      name: containerName(context.controller, workload.name, site.role, replica, hash),
      spec,
      hash,
      pullPolicy: site.fields.pullPolicy ?? 'IfNotPresent',
      envFiles,
      level,
      stopTimeoutSeconds: spec.stopTimeoutSeconds ?? 10,
      strategy,
      rollout: site.rollout ?? null,
      slot: null,
      listenPort: site.listenPort ?? null,
    };
  });
}

/**
 * `tf-web-image-2-3f2a9c1b`: deterministic, so a run that crashed after `create` finds
 * its container again instead of making a second one; the hash lets an updated
 * container start before the old one is removed. Another controller's name prefixes it.
 */
export function containerName(controller: string, name: string, role: string, replica: number, hash: string): string {
  return `${ownedNamePrefix(controller)}-${name}-${role}-${replica}-${hash.slice(0, 8)}`;
}

/** Depth of each role in the dependsOn graph (validation has ruled out cycles). */
function startLevels(sites: readonly Site[]): Map<string, number> {
  const byRole = new Map(sites.map((s) => [s.role, s]));
  const levels = new Map<string, number>();
  const level = (role: string, depth = 0): number => {
    const known = levels.get(role);
    if (known !== undefined) return known;
    if (depth > byRole.size) return 0;
    const deps = byRole.get(role)?.dependsOn.filter((d) => byRole.has(d)) ?? [];
    const value = deps.length === 0 ? 0 : 1 + Math.max(...deps.map((d) => level(d, depth + 1)));
    levels.set(role, value);
    return value;
  };
  for (const site of sites) level(site.role);
  return levels;
}
