import { Label } from '../api/labels.js';
import type { ObservedContainer } from '../api/observed-container.js';
import type { ObservedNode, ObservedService, ObservedTask } from '../api/observed-service.js';
import type { StateEvent } from '../api/state-types.js';
import type { Backend, BackendSession, RoleRollout } from './backend.js';
import type { Clock } from './clock.js';
import type { Reference } from '../api/workload.js';
import type { DesiredContainer } from './desired.js';
import { emptyExecuteResult } from './execute-result.js';
import type { ExecuteResult } from './execute-result.js';
import { describeAction } from './plan.js';
import type { Action } from './plan.js';
import { Reason } from './reasons.js';
import { applyRouteAction } from './route-actions.js';
import type { RouteProvider } from './route-provider.js';
import { placedRow } from './rows.js';
import { Semaphore } from './semaphore.js';
import type { Settled } from './settle.js';
import type { SwarmPort } from './swarm-port.js';
import { levelBatches } from './swarm-levels.js';
import { serviceRequest } from './swarm-request.js';
import { serviceRollout } from './swarm-rollouts.js';
import { serviceAsContainers } from './swarm-tasks.js';

export interface SwarmBackendDeps {
  port: SwarmPort;
  key: Buffer | undefined;
  controller: string;
  clock: Clock;
  readEnvFile: (reference: Reference) => Map<string, string>;
  /** Services acted on at once. */
  concurrency: number;
  /** How long `run --once` waits for a service's tasks to run, and how often it looks. */
  settle: { timeoutMs: number; pollMs: number };
  /** The reverse proxy (`--routes`); default: routes are only recorded. */
  routes?: RouteProvider;
  /** The cluster as the manager check at start-up saw it: the first pass need not list the nodes again. */
  cluster?: { nodes: readonly ObservedNode[]; nodeId: string | null };
}

/** How long a list of the nodes is trusted: a drained or downed node shows within this. */
export const NODES_TTL_MS = 30_000;

/**
 * What the backend knows of the cluster, kept across passes: the nodes are listed again
 * when a task names a node not among them, or when the list is older than NODES_TTL_MS
 * (a node's availability or state changed).
 */
interface ClusterView {
  /** The nodes by id. */
  nodes: Map<string, ObservedNode>;
  /** The node of the engine tinyforge talks to: where the controller's files are. */
  nodeId: string | null;
  listedAt: number;
}

/**
 * The backend of a Swarm cluster (DESIGN.md section 7): each (workload, role) is one
 * replicated service, and Swarm places, restarts and updates its tasks. To the pass a
 * service's tasks look like containers, one per slot, so the same planner decides; the
 * backend turns a workload role's actions into one call on its service: create it, update
 * it in place (spec or replicas), or remove it.
 */
export class SwarmBackend implements Backend {
  readonly #deps: SwarmBackendDeps;
  readonly #cluster: ClusterView;

  constructor(deps: SwarmBackendDeps) {
    this.#deps = deps;
    const seen = deps.cluster;
    this.#cluster = {
      nodes: new Map((seen?.nodes ?? []).map((n) => [n.id, n])),
      nodeId: seen?.nodeId ?? null,
      listedAt: seen ? deps.clock.now().getTime() : Number.NEGATIVE_INFINITY,
    };
  }

  session(): BackendSession {
    return new SwarmSession(this.#deps, this.#cluster);
  }
}

class SwarmSession implements BackendSession {
  readonly #deps: SwarmBackendDeps;
  readonly #cluster: ClusterView;
  #calls = 0;
  #mutations = 0;
  /** The services of the last read, by `<workload id>:<role>` (owned ones only). */
  #owned = new Map<string, ObservedService>();
  /** The services this session created or updated: what settling waits for. */
  readonly #touched = new Map<string, number>();
  /** When this session sent a service a new spec, by `<workload id>:<role>`. */
  readonly #updatedAt = new Map<string, number>();
  /** Each owned service's last update, as the last read showed it. */
  #rollouts = new Map<string, RoleRollout>();
  /** The most telling rollback message this session saw, by `<workload id>:<role>`. */
  readonly #why = new Map<string, string>();

  constructor(deps: SwarmBackendDeps, cluster: ClusterView) {
    this.#deps = deps;
    this.#cluster = cluster;
  }

  nodes(): readonly ObservedNode[] {
    return [...this.#cluster.nodes.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  async read(): Promise<ObservedContainer[]> {
    const services = await this.#count(() => this.#deps.port.services());
    // No service, no tasks to ask for: a cluster without tinyforge's services is one call.
    const tasks =
      services.length === 0 ? [] : await this.#count(() => this.#deps.port.tasks(services.map((s) => s.id)));
    if (this.#nodesStale(tasks)) await this.#listNodes();
    this.#owned = new Map();
    const observed: ObservedContainer[] = [];
    for (const service of services) {
      const seen = serviceAsContainers(service, tasks, this.#deps.key, this.#cluster);
      if (seen.owned) this.#owned.set(`${seen.owned.workloadId}:${seen.owned.role}`, service);
      observed.push(...seen.containers);
    }
    this.#rollouts = this.#rolloutsOf(tasks);
    return observed;
  }

  rollouts(): ReadonlyMap<string, RoleRollout> {
    return this.#rollouts;
  }

  async apply(
    actions: readonly Action[],
    _snapshot: readonly ObservedContainer[],
    _specs: unknown,
    target: ReadonlyMap<string, readonly DesiredContainer[]>,
  ): Promise<ExecuteResult> {
    const result = emptyExecuteResult();
    const byRole = new Map<string, Action[]>();
    const routeActions: Extract<Action, { type: 'route' | 'unroute' }>[] = [];
    for (const action of actions) {
      if (action.type === 'route' || action.type === 'unroute') {
        routeActions.push(action);
        continue;
      }
      const key = `${action.workloadId}:${roleOf(action)}`;
      byRole.set(key, [...(byRole.get(key) ?? []), action]);
    }
    // Workloads at once; within one, services by start level, each level once the one before is done.
    const limit = new Semaphore(this.#deps.concurrency);
    const applyKey = (key: string) => limit.run(() => this.#applyRole(key, byRole.get(key)!, target, result));
    await Promise.all(
      [...levelBatches(byRole.keys(), target)].map(async ([workloadId, batches]) => {
        for (const batch of batches) {
          await Promise.all(batch.map(applyKey));
          if (result.errors.has(workloadId)) return; // A failed service stops the ones that depend on it.
        }
      }),
    );
    for (const action of routeActions) await this.#applyRoute(action, result);
    return result;
  }

  async settle(_started: ReadonlySet<string>): Promise<Settled> {
    const deadline = this.#deps.clock.now().getTime() + this.#deps.settle.timeoutMs;
    for (;;) {
      let snapshot: ObservedContainer[];
      try {
        snapshot = await this.read();
      } catch (error) {
        return { error: error instanceof Error ? error.message : String(error) };
      }
      if (this.#settled(snapshot) || this.#deps.clock.now().getTime() >= deadline) return { snapshot };
      await this.#deps.clock.sleep(this.#deps.settle.pollMs);
    }
  }

  /** A steady pass reads two things; unknown nodes, or a list grown old, make it three. */
  #nodesStale(tasks: readonly ObservedTask[]): boolean {
    const { nodes, listedAt } = this.#cluster;
    if (this.#deps.clock.now().getTime() - listedAt >= NODES_TTL_MS) return true;
    return tasks.some((t) => t.nodeId !== null && !nodes.has(t.nodeId));
  }

  async #listNodes(): Promise<void> {
    const { nodes, nodeId } = await this.#count(() => this.#deps.port.cluster());
    this.#cluster.nodes = new Map(nodes.map((n) => [n.id, n]));
    this.#cluster.nodeId = nodeId;
    this.#cluster.listedAt = this.#deps.clock.now().getTime();
  }

  calls(): { total: number; mutations: number } {
    return { total: this.#calls, mutations: this.#mutations };
  }

  /** One workload role's actions as one call on its service. */
  async #applyRole(
    key: string,
    actions: readonly Action[],
    target: ReadonlyMap<string, readonly DesiredContainer[]>,
    result: ExecuteResult,
  ): Promise<void> {
    const workloadId = actions[0]!.workloadId;
    const role = roleOf(actions[0]!);
    const wanted = (target.get(workloadId) ?? []).filter((d) => d.role === role);
    const service = this.#owned.get(key);
    try {
      if (wanted.length === 0) {
        if (!service) return;
        await this.#mutate(() => this.#deps.port.removeService(service.id));
        event(
          this.#deps,
          result,
          workloadId,
          actions[0]!.type === 'remove' && actions[0]!.prune ? Reason.Pruned : Reason.Removed,
          actions,
        );
        return;
      }
      const request = serviceRequest({ ...this.#deps, nodeId: this.#cluster.nodeId }, wanted);
      if (!service) {
        await this.#mutate(() => this.#deps.port.createService(request));
        event(this.#deps, result, workloadId, Reason.Created, actions);
      } else if (service.labels[Label.specHash] !== wanted[0]!.hash || service.replicas !== wanted.length) {
        await this.#mutate(() => this.#deps.port.updateService(service.id, service.version, request));
        if (service.labels[Label.specHash] !== wanted[0]!.hash)
          this.#updatedAt.set(key, this.#deps.clock.now().getTime());
        event(this.#deps, result, workloadId, Reason.Recreated, actions);
      } else return; // A task starting or restarting is Swarm's business.
      this.#touched.set(key, wanted.length);
      // The rows say what was deployed (the domain); the tasks fill them in when they are read.
      const now = this.#deps.clock.now();
      result.placed.set(workloadId, [
        ...(result.placed.get(workloadId) ?? []),
        ...wanted.map((d) => placedRow(d, now)),
      ]);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      result.errors.set(workloadId, message);
      result.events.push(stateEvent(this.#deps, 'Warning', workloadId, Reason.Failed, message));
    }
  }

  /** A route through the proxy to the tasks' ports; a proxy that fails fails its workload for this pass. */
  async #applyRoute(action: Extract<Action, { type: 'route' | 'unroute' }>, result: ExecuteResult): Promise<void> {
    if (result.errors.has(action.workloadId)) return;
    try {
      const reason = await applyRouteAction(action, this.#deps.routes, result);
      event(this.#deps, result, action.workloadId, reason, [action]);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      result.errors.set(action.workloadId, message);
      result.events.push(stateEvent(this.#deps, 'Warning', action.workloadId, Reason.Failed, message));
    }
  }

  /** Every service this session changed runs as many tasks as it should, all running. */
  #settled(snapshot: readonly ObservedContainer[]): boolean {
    for (const [key, replicas] of this.#touched) {
      const [workloadId, role] = [key.slice(0, key.lastIndexOf(':')), key.slice(key.lastIndexOf(':') + 1)];
      const running = snapshot.filter(
        (c) => c.labels[Label.workloadId] === workloadId && c.labels[Label.role] === role && c.state === 'running',
      );
      // An update under way, or a rollback, is waited for: what it ends in is the pass's to record.
      if (running.length < replicas || this.#rollouts.get(key)?.busy) return false;
    }
    return true;
  }

  /** Each owned service's last update; Swarm's `rollback completed` says less than the message before it, kept. */
  #rolloutsOf(tasks: readonly ObservedTask[]): Map<string, RoleRollout> {
    const now = this.#deps.clock.now().getTime();
    const rollouts = new Map<string, RoleRollout>();
    for (const [key, service] of this.#owned) {
      const rollout = serviceRollout(service, tasks, this.#updatedAt.get(key), now);
      if (rollout.message !== null && service.updateState === 'rollback_started') this.#why.set(key, rollout.message);
      rollouts.set(key, { ...rollout, message: rollout.rolledBack ? (this.#why.get(key) ?? rollout.message) : null });
    }
    return rollouts;
  }

  async #count<T>(call: () => Promise<T>): Promise<T> {
    this.#calls++;
    return call();
  }

  async #mutate<T>(call: () => Promise<T>): Promise<T> {
    this.#mutations++;
    return this.#count(call);
  }
}

function roleOf(action: Action): string {
  switch (action.type) {
    case 'create':
    case 'recreate':
      return action.desired.role;
    case 'start':
    case 'remove':
      return action.rowId.slice(action.workloadId.length + 1).split(':')[0]!;
    case 'route':
    case 'unroute':
      return '';
  }
}

function event(
  deps: SwarmBackendDeps,
  result: ExecuteResult,
  workloadId: string,
  reason: string,
  actions: readonly Action[],
): void {
  result.events.push(stateEvent(deps, 'Normal', workloadId, reason, actions.map(describeAction).join('; ')));
}

function stateEvent(
  deps: SwarmBackendDeps,
  type: StateEvent['type'],
  workload: string,
  reason: string,
  message: string,
): StateEvent {
  return { at: deps.clock.now().toISOString(), type, workload, reason, message };
}
