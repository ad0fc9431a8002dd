import { roleKey, splitRoleKey } from './backend.js';
import { Label } from '../api/labels.js';
import type { ObservedContainer } from '../api/observed-container.js';
import type { ObservedNode, ObservedService } from '../api/observed-service.js';
import type { Backend, BackendSession, DescribedLine, RoleRollout } from './backend.js';
import type { Clock } from './clock.js';
import type { Reference } from '../api/workload.js';
import type { ContainerSpec } from './container-spec.js';
import type { DesiredContainer } from './desired.js';
import { addEvent, emptyExecuteResult } from './execute-result.js';
import type { ExecuteResult } from './execute-result.js';
import { describeAction } from './plan.js';
import type { Action } from './plan.js';
import type { Lookup } from './lazy.js';
import { roleName } from './owned-name-prefix.js';
import { Reason } from './reasons.js';
import { withoutEnvFileValues } from './redact-secrets.js';
import { applyRouteAction } from './route-actions.js';
import type { RouteProvider } from './route-provider.js';
import { placedRow } from './rows.js';
import { Semaphore } from './semaphore.js';
import type { Settled } from './settle.js';
import { byRole, describeChange, serviceChange, wantedOf } from './swarm-change.js';
import type { RoleActions } from './swarm-change.js';
import { levelBatches } from './swarm-levels.js';
import type { SwarmPort } from './swarm-port.js';
import { serviceRequest, stamped } from './swarm-request.js';
import { RolloutWatch } from './swarm-rollouts.js';
import { serviceAsContainers } from './swarm-tasks.js';
import { ClusterView } from './swarm-cluster-view.js';

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
    this.#cluster = new ClusterView();
    if (deps.cluster) this.#cluster.seen(deps.cluster, deps.clock.now().getTime());
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
  /** The names of the services of the last read that are not this controller's. */
  #foreign = new Set<string>();
  /** The services this session created or updated: what settling waits for. */
  readonly #touched = new Map<string, number>();
  /** The owned services' updates: what this session sent, what the reads show. */
  readonly #rollouts = new RolloutWatch();

  constructor(deps: SwarmBackendDeps, cluster: ClusterView) {
    this.#deps = deps;
    this.#cluster = cluster;
  }

  nodes(): readonly ObservedNode[] {
    return this.#cluster.sorted();
  }

  async read(): Promise<ObservedContainer[]> {
    const services = await this.#count(() => this.#deps.port.services());
    // No service, no tasks to ask for: a cluster without tinyforge's services is one call.
    const tasks =
      services.length === 0 ? [] : await this.#count(() => this.#deps.port.tasks(services.map((s) => s.id)));
    if (this.#cluster.stale(tasks, this.#deps.clock.now().getTime())) {
      // The controller's own node is known from start-up; without it, the whole cluster view once more (two calls).
      const { port } = this.#deps;
      const cluster =
        this.#cluster.nodeId === null
          ? await this.#count(() => port.cluster(), 2)
          : { nodes: await this.#count(() => port.nodes()), nodeId: this.#cluster.nodeId };
      this.#cluster.seen(cluster, this.#deps.clock.now().getTime());
    }
    this.#owned = new Map();
    this.#foreign = new Set();
    const observed: ObservedContainer[] = [];
    for (const service of services) {
      const seen = serviceAsContainers(service, tasks, this.#deps.key, this.#cluster);
      if (seen.owned) this.#owned.set(roleKey(seen.owned.workloadId, seen.owned.role), service);
      else this.#foreign.add(service.name);
      observed.push(...seen.containers);
    }
    this.#rollouts.read(this.#owned, tasks, this.#deps.clock.now().getTime());
    return observed;
  }

  rollouts(): ReadonlyMap<string, RoleRollout> {
    return this.#rollouts.last();
  }

  async apply(
    actions: readonly Action[],
    _snapshot: readonly ObservedContainer[],
    specs: Lookup<string, ContainerSpec>,
    target: ReadonlyMap<string, readonly DesiredContainer[]>,
  ): Promise<ExecuteResult> {
    const result = emptyExecuteResult();
    const groups = new Map(byRole(actions).map((group) => [group.key, group]));
    // Workloads at once; within one, services by start level, each level once the one before is done.
    const limit = new Semaphore(this.#deps.concurrency);
    const applyKey = (key: string) => {
      const group = groups.get(key)!;
      return limit.run(() => this.#applyRole(group, wantedOf(group, target), specs, result));
    };
    await Promise.all(
      [...levelBatches(groups.keys(), target)].map(async ([workloadId, batches]) => {
        for (const batch of batches) {
          await Promise.all(batch.map(applyKey));
          if (result.errors.has(workloadId)) return; // A failed service stops the ones that depend on it.
        }
      }),
    );
    for (const action of actions)
      if (action.type === 'route' || action.type === 'unroute') await this.#applyRoute(action, result);
    return result;
  }

  /** One line per service the plan changes (and one per route), as `apply` would change it. */
  describe(
    actions: readonly Action[],
    specs: Lookup<string, ContainerSpec>,
    target: ReadonlyMap<string, readonly DesiredContainer[]>,
  ): DescribedLine[] {
    const lines = actions
      .filter((a) => a.type === 'route' || a.type === 'unroute')
      .map((a) => ({ workloadId: a.workloadId, line: describeAction(a) }));
    for (const group of byRole(actions)) {
      const wanted = wantedOf(group, target);
      const service = this.#owned.get(group.key);
      const change = serviceChange(service, wanted, group, specs);
      if (change)
        lines.push({ workloadId: group.workloadId, line: describeChange(this.#nameOf(service, wanted), change) });
    }
    return lines;
  }

  async settle(_started: ReadonlyMap<string, number>): Promise<Settled> {
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

  calls(): { total: number; mutations: number } {
    return { total: this.#calls, mutations: this.#mutations };
  }

  /** One workload role's actions as one call on its service. */
  async #applyRole(
    group: RoleActions,
    wanted: readonly DesiredContainer[],
    specs: Lookup<string, ContainerSpec>,
    result: ExecuteResult,
  ): Promise<void> {
    const { workloadId } = group;
    const service = this.#owned.get(group.key);
    try {
      // A task starting, failing or restarting is Swarm's business.
      const change = serviceChange(service, wanted, group, specs);
      if (!change) return;
      const line = describeChange(this.#nameOf(service, wanted), change);
      if (change.type === 'remove') {
        await this.#mutate(() => this.#deps.port.removeService(service!.id));
        const pruned = group.actions.some((a) => a.type === 'remove' && a.prune);
        addEvent(result, this.#deps.clock, 'Normal', workloadId, pruned ? Reason.Pruned : Reason.Removed, line);
        return;
      }
      await this.#send(group.key, service, wanted, result);
      const reason = change.type === 'create' ? Reason.Created : Reason.Recreated;
      addEvent(result, this.#deps.clock, 'Normal', workloadId, reason, line);
    } catch (caught) {
      const error = withoutEnvFileValues(caught, wanted[0]?.envFiles ?? [], this.#deps.readEnvFile);
      const message = error instanceof Error ? error.message : String(error);
      result.errors.set(workloadId, message);
      addEvent(result, this.#deps.clock, 'Warning', workloadId, Reason.Failed, message);
    }
  }

  /** Creates the role's service, or updates it in place; the rows say what was deployed, the tasks fill them in. */
  async #send(
    key: string,
    service: ObservedService | undefined,
    wanted: readonly DesiredContainer[],
    result: ExecuteResult,
  ): Promise<void> {
    const { port, key: controllerKey } = this.#deps;
    const request = stamped(
      serviceRequest({ ...this.#deps, nodeId: this.#cluster.nodeId }, wanted),
      port,
      controllerKey!,
    );
    if (!service) {
      if (this.#foreign.has(request.name))
        throw new Error(`a service named ${request.name} exists and is not this controller's: remove or rename it`);
      await this.#mutate(() => this.#deps.port.createService(request));
    } else {
      await this.#mutate(() => this.#deps.port.updateService(service.id, service.version, request));
      // A new task template is rolled out by Swarm (a change of replicas alone is not): wait for it to start.
      if (service.labels[Label.specHash] !== wanted[0]!.hash || service.drift.some((f) => f !== 'replicas'))
        this.#rollouts.sent(key, this.#deps.clock.now().getTime());
    }
    result.sent.add(key);
    this.#touched.set(key, wanted.length);
    const { workloadId } = wanted[0]!;
    const now = this.#deps.clock.now();
    result.placed.set(workloadId, [...(result.placed.get(workloadId) ?? []), ...wanted.map((d) => placedRow(d, now))]);
  }

  /** A route through the proxy to the tasks' ports; a proxy that fails fails its workload for this pass. */
  async #applyRoute(action: Extract<Action, { type: 'route' | 'unroute' }>, result: ExecuteResult): Promise<void> {
    if (result.errors.has(action.workloadId)) return;
    try {
      const reason = await applyRouteAction(action, this.#deps.routes, result);
      addEvent(result, this.#deps.clock, 'Normal', action.workloadId, reason, describeAction(action));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      result.errors.set(action.workloadId, message);
      addEvent(result, this.#deps.clock, 'Warning', action.workloadId, Reason.Failed, message);
    }
  }

  /** The service's name, or the one it will have. */
  #nameOf(service: ObservedService | undefined, wanted: readonly DesiredContainer[]): string {
    if (service) return service.name;
    return roleName(this.#deps.controller, wanted[0]!.workloadName, wanted[0]!.role);
  }

  /** Every service this session changed runs as many tasks as it should, all running or none placeable. */
  #settled(snapshot: readonly ObservedContainer[]): boolean {
    for (const [key, replicas] of this.#touched) {
      const { workloadId, role } = splitRoleKey(key);
      const tasks = snapshot.filter((c) => c.labels[Label.workloadId] === workloadId && c.labels[Label.role] === role);
      const running = tasks.filter((c) => c.state === 'running').length;
      const unplaced = tasks.filter((c) => c.unplaced !== undefined).length;
      // Swarm has no node for the rest: waiting longer changes nothing, the status says so.
      if (unplaced > 0 && running + unplaced >= replicas) continue;
      // An update under way, or a rollback, is waited for: what it ends in is the pass's to record.
      if (running < replicas || this.#rollouts.last().get(key)?.busy) return false;
    }
    return true;
  }

  async #count<T>(call: () => Promise<T>, calls = 1): Promise<T> {
    this.#calls += calls;
    return call();
  }

  async #mutate<T>(call: () => Promise<T>): Promise<T> {
    this.#mutations++;
    return this.#count(call);
  }
}
