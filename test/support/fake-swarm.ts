import type { ObservedNode, ObservedService, ObservedTask } from '../../src/api/observed-service.js';
import { DockerUnreachableError } from '../../src/reconcile/docker-port.js';
import type { ServiceRequest, SwarmPort } from '../../src/reconcile/swarm-port.js';

/** What Swarm says of the task whose failure rolled an update back. */
export const FAILED_TASK_ERROR = 'task: non-zero exit (137): dockerexec: unhealthy container';

/**
 * A Swarm cluster in memory: services run their tasks at once, one per slot. An update
 * armed with `failNextUpdate` goes as Swarm's does when its new task fails: one read
 * `updating`, then `rollback_started` with the old spec back, then `rollback_completed`.
 */
export class FakeSwarm implements SwarmPort {
  readonly services_ = new Map<string, ObservedService>();
  /** The last request each service was created or updated with, by name. */
  readonly requests = new Map<string, ServiceRequest>();
  calls: string[] = [];
  unreachable = false;
  /** Nodes beyond the manager `node-a`, and the node every task runs on. */
  workers: ObservedNode[] = [];
  taskNode = 'node-a';
  #next = 1;
  readonly #failing = new Set<string>();
  /** Per service, what each coming `services()` read shows next. */
  readonly #steps = new Map<string, ((s: ObservedService) => ObservedService)[]>();
  readonly #failedTasks: ObservedTask[] = [];

  async cluster(): Promise<{ manager: boolean; nodes: ObservedNode[]; nodeId: string | null }> {
    this.#read('cluster');
    const node = {
      id: 'node-a',
      hostname: 'host-a',
      role: 'manager' as const,
      state: 'ready',
      availability: 'active',
      addr: '10.0.0.1',
    };
    return { manager: true, nodes: [{ ...node, labels: {} }, ...this.workers], nodeId: 'node-a' };
  }

  async services(): Promise<ObservedService[]> {
    this.#read('services');
    for (const [id, steps] of this.#steps) {
      const step = steps.shift();
      const service = this.services_.get(id);
      if (step && service) this.services_.set(id, step(service));
      if (steps.length === 0) this.#steps.delete(id);
    }
    return [...this.services_.values()].map((s) => ({ ...s }));
  }

  async tasks(serviceIds: readonly string[]): Promise<ObservedTask[]> {
    this.#read('tasks');
    return [...this.services_.values()]
      .filter((s) => serviceIds.includes(s.id))
      .flatMap((s) =>
        Array.from(
          { length: s.replicas },
          (_, i): ObservedTask => ({
            id: `${s.id}-task-${i + 1}-v${s.version}`,
            serviceId: s.id,
            slot: i + 1,
            nodeId: this.taskNode,
            desiredState: 'running',
            state: 'running',
            message: 'started',
            containerId: `${s.id}-c${i + 1}-v${s.version}`,
            created: s.version,
            ports: [],
          }),
        ),
      )
      .concat(this.#failedTasks.filter((t) => serviceIds.includes(t.serviceId)));
  }

  async createService(request: ServiceRequest): Promise<string> {
    this.calls.push(`create ${request.name}`);
    this.requests.set(request.name, request);
    const id = `svc${this.#next++}`;
    this.services_.set(id, this.#observed(id, 1, request));
    return id;
  }

  async updateService(id: string, version: number, request: ServiceRequest): Promise<void> {
    this.calls.push(`update ${request.name}`);
    const service = this.services_.get(id);
    if (!service || service.version !== version) throw new Error('update out of sequence');
    this.requests.set(request.name, request);
    this.services_.set(id, this.#observed(id, version + 1, request));
    if (this.#failing.delete(request.name)) this.#rollBack(id, service);
  }

  /** The next update of this service fails its new task: Swarm rolls it back to the spec it had. */
  failNextUpdate(name: string): void {
    this.#failing.add(name);
  }

  #rollBack(id: string, old: ObservedService): void {
    const task = `${id}-failed-${this.#failedTasks.length + 1}`;
    this.#failedTasks.push({
      id: task,
      serviceId: id,
      slot: 1,
      nodeId: 'node-a',
      desiredState: 'shutdown',
      state: 'failed',
      message: FAILED_TASK_ERROR,
      containerId: null,
      created: old.version,
      ports: [],
    });
    const message = `update rolled back due to failure or early termination of task ${task}`;
    this.#steps.set(id, [
      (s) => ({ ...s, updateState: 'updating', updateMessage: 'update in progress' }),
      (s) => ({ ...old, version: s.version + 1, updateState: 'rollback_started', updateMessage: message }),
      (s) => ({ ...s, version: s.version + 1, updateState: 'rollback_completed', updateMessage: 'rollback completed' }),
    ]);
  }

  async removeService(id: string): Promise<void> {
    this.calls.push(`remove ${this.services_.get(id)?.name ?? id}`);
    this.services_.delete(id);
  }

  /** A service made by hand (or by another tool), with whatever labels it was given. */
  addForeign(name: string, labels: Record<string, string>): void {
    const id = `svc${this.#next++}`;
    this.services_.set(id, {
      id,
      name,
      version: 1,
      labels,
      image: 'x',
      replicas: 1,
      updateState: null,
      updateMessage: null,
    });
  }

  mutations(): string[] {
    return this.calls.filter((c) => !c.startsWith('read '));
  }

  #read(what: string): void {
    this.calls.push(`read ${what}`);
    if (this.unreachable) throw new DockerUnreachableError('the manager does not answer');
  }

  #observed(id: string, version: number, request: ServiceRequest): ObservedService {
    return {
      id,
      name: request.name,
      version,
      labels: request.labels,
      image: request.spec.image,
      replicas: request.replicas,
      updateState: version > 1 ? 'completed' : null,
      updateMessage: null,
    };
  }
}
