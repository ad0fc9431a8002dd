import { Label } from '../api/labels.js';
import type { DockerState, ObservedContainer } from '../api/observed-container.js';
import type { ObservedNode, ObservedService, ObservedTask } from '../api/observed-service.js';
import { ownershipLabels, readServiceIdentity, verifyLabels } from './ownership.js';
import type { ServiceIdentity } from './ownership.js';

/**
 * A service's current tasks, one per slot, as containers the pass can plan with: signed
 * for this controller when the service's own signature verifies (`owned` says whose it
 * is), else the service itself, which the pass lists as foreign. The tasks of a service
 * changed outside tinyforge carry a spec hash no manifest has, so the pass plans its
 * update; a task Swarm cannot place says so in `unplaced`.
 */
export function serviceAsContainers(
  service: ObservedService,
  tasks: readonly ObservedTask[],
  key: Buffer | undefined,
  cluster: { nodes: ReadonlyMap<string, ObservedNode>; nodeId: string | null },
): { owned: ServiceIdentity | undefined; containers: ObservedContainer[] } {
  const identity = ownedServiceIdentity(service, key);
  const base = { image: service.image, status: '', created: 0, ports: [], health: null };
  if (!identity || !key) {
    const foreign = { ...base, id: service.id, name: service.name, labels: service.labels, state: 'running' as const };
    return { owned: undefined, containers: [foreign] };
  }
  const specHash = runningSpecHash(service);
  const containers = currentTasks(service, tasks).map((task): ObservedContainer => {
    const name = `${service.name}.${task.slot}`;
    const node = task.nodeId === null ? undefined : cluster.nodes.get(task.nodeId);
    // A task on another node is reached at that node's address; one on the controller's own, on loopback.
    const away = node !== undefined && node.id !== cluster.nodeId && node.addr !== '';
    return {
      ...base,
      id: task.containerId ?? task.id,
      name,
      labels: ownershipLabels({ ...identity, specHash, replica: task.slot, slot: null }, name, key),
      state: dockerState(task.state),
      status: task.message,
      created: task.created,
      ports: task.ports,
      ...(node ? { node: node.hostname } : {}),
      ...(away ? { address: node.addr } : {}),
      ...(isUnplaced(task) ? { unplaced: task.message } : {}),
    };
  });
  return { owned: identity, containers };
}

/** Whose a service is: the identity its labels claim when its signature verifies with `key`, else undefined. */
export function ownedServiceIdentity(service: ObservedService, key: Buffer | undefined): ServiceIdentity | undefined {
  const identity = readServiceIdentity(service.labels);
  return identity && key && verifyLabels(service.labels, service.name, key) ? identity : undefined;
}

/** Marks the spec hash of a service changed outside tinyforge: no desired container has it. */
const DRIFTED = '~drift';

/**
 * The spec a service runs, as the pass compares it with the manifest's: its spec-hash
 * label, marked when the service was changed outside tinyforge (it runs something else).
 */
export function runningSpecHash(service: ObservedService): string {
  const hash = service.labels[Label.specHash] ?? '';
  return service.drift.length > 0 ? `${hash}${DRIFTED}` : hash;
}

/** Swarm's scheduler found no node for it: it waits, `pending`, with the scheduler's reason. */
function isUnplaced(task: ObservedTask): boolean {
  return task.state === 'pending' && task.message.startsWith('no suitable node');
}

/** The task Swarm wants running in each slot, the newest when there are several, in slot order. */
function currentTasks(service: ObservedService, tasks: readonly ObservedTask[]): ObservedTask[] {
  const bySlot = new Map<number, ObservedTask>();
  for (const task of tasks) {
    if (task.serviceId !== service.id || task.desiredState !== 'running' || task.slot < 1) continue;
    const seen = bySlot.get(task.slot);
    if (!seen || task.created > seen.created) bySlot.set(task.slot, task);
  }
  return [...bySlot.values()].sort((a, b) => a.slot - b.slot);
}

/** A task's state in Docker's container words: on its way is `created`, ended is `exited`. */
function dockerState(state: string): DockerState {
  if (state === 'running') return 'running';
  return ['complete', 'shutdown', 'failed', 'rejected', 'orphaned', 'remove'].includes(state) ? 'exited' : 'created';
}
