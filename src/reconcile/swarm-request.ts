import type { Reference } from '../api/workload.js';
import type { DesiredContainer } from './desired.js';
import { roleName } from './owned-name-prefix.js';
import { serviceLabels } from './ownership.js';
import type { ServicePlacement, ServiceRequest } from './swarm-port.js';

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
  const env = new Map<string, string>();
  for (const file of first.envFiles) for (const [k, v] of readEnvFile(file)) env.set(k, v);
  for (const [k, v] of Object.entries(first.spec.env)) env.set(k, v);
  const identity = { controller, workloadId: first.workloadId, kind: first.kind, name: first.workloadName };
  return {
    name,
    spec: first.spec,
    replicas: wanted.length,
    labels: serviceLabels({ ...identity, role: first.role, specHash: first.hash }, name, key),
    env: [...env].map(([k, v]) => `${k}=${v}`),
    update: { order: first.strategy === 'start-first' ? 'start-first' : 'stop-first', monitorMs: 5000 },
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
