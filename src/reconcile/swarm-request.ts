import { Label } from '../api/labels.js';
import type { Reference } from '../api/workload.js';
import type { DesiredContainer } from './desired.js';
import { roleName } from './owned-name-prefix.js';
import { readServiceIdentity, serviceLabels } from './ownership.js';
import { envFileEnv } from './redact-secrets.js';
import type { ServicePlacement, ServiceRequest, ServiceUpdate, SwarmPort } from './swarm-port.js';

/** What building a service request needs from the backend. */
export interface RequestContext {
  key: Buffer | undefined;
  controller: string;
  readEnvFile: (reference: Reference) => Map<string, string>;
  /** The Swarm node of the engine tinyforge talks to (null: not known yet). */
  nodeId: string | null;
}

/**
 * The one service a workload role's desired containers become (DESIGN.md section 7):
 * named like a container without the replica, signed, with `replicas` tasks, the env
 * files' values then `env`, Swarm's update order from the workload's strategy, and the
 * manifest's placement.
 */
export function serviceRequest(context: RequestContext, wanted: readonly DesiredContainer[]): ServiceRequest {
  const first = wanted[0]!;
  const { key, controller, readEnvFile } = context;
  if (!key) throw new Error('no controller key: cannot sign services');
  const name = roleName(controller, first.workloadName, first.role);
  const env = envFileEnv(first.envFiles, readEnvFile);
  for (const [k, v] of Object.entries(first.spec.env)) env.set(k, v);
  const identity = { controller, workloadId: first.workloadId, kind: first.kind, name: first.workloadName };
  return {
    name,
    spec: first.spec,
    replicas: wanted.length,
    labels: serviceLabels({ ...identity, role: first.role, specHash: first.hash }, name, key),
    env: [...env].map(([k, v]) => `${k}=${v}`),
    update: serviceUpdate(first),
    placement: placementOf(first, context.nodeId),
  };
}

/** The manifest's placement; a Static's folder is on the controller's node only, so it runs there. */
function placementOf(first: DesiredContainer, nodeId: string | null): ServicePlacement | null {
  const own = first.spec.placement ?? null;
  if (first.kind !== 'static') return own;
  if (nodeId === null) throw new Error("the controller's own Swarm node is not known: cannot place a Static service");
  const base = own ?? { constraints: [], maxReplicasPerNode: null, spread: [] };
  return { ...base, constraints: [...base.constraints, `node.id==${nodeId}`] };
}

/** The request signed along with the digest of what it sets, so a later read tells what was changed by hand. */
export function stamped(request: ServiceRequest, port: Pick<SwarmPort, 'serviceHash'>, key: Buffer): ServiceRequest {
  const identity = readServiceIdentity(request.labels)!;
  const stamp = { [Label.serviceHash]: port.serviceHash(request) };
  return { ...request, labels: serviceLabels(identity, request.name, key, stamp) };
}

/** How long Swarm watches a new task of a kind without a rollout of its own (Swarm's default). */
const DEFAULT_MONITOR_MS = 5000;
/** A healthchecked stage's new task counts as running only once healthy: a short watch after that is enough. */
const HEALTHCHECKED_MONITOR_MS = 1000;

/**
 * Swarm's update of a role: a Project stage's blue-green rollout is a start-first update
 * gated by its healthcheck, or watched for `minReadySeconds` without one (`recreate`:
 * stop-first); other kinds follow `update.strategy`.
 */
export function serviceUpdate(d: DesiredContainer): ServiceUpdate {
  const { rollout } = d;
  if (!rollout)
    return { order: d.strategy === 'start-first' ? 'start-first' : 'stop-first', monitorMs: DEFAULT_MONITOR_MS };
  return {
    order: rollout.strategy === 'recreate' ? 'stop-first' : 'start-first',
    monitorMs: rollout.healthchecked ? HEALTHCHECKED_MONITOR_MS : rollout.minReadyMs,
  };
}
