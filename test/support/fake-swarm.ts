import { Label } from '../../src/api/labels.js';
import type { ObservedNode, ObservedService, ObservedTask } from '../../src/api/observed-service.js';
import { DockerUnreachableError } from '../../src/reconcile/docker-port.js';
import type { ServiceRequest, SwarmPort } from '../../src/reconcile/swarm-port.js';

/** What the fake's service hash covers: enough to tell a service edited by hand. */
type Fields = Pick<ObservedService, 'image' | 'replicas'> & { env: string[] };

/** Swarm's words for a task it cannot place. */
export const NO_NODE = 'no suitable node (2 nodes not available for new tasks)';

/** What Swarm says of the task whose failure rolled an update back. */
export const FAILED_TASK_ERROR = 'task: non-zero exit (137): dockerexec: unhealthy container';

/**
 * A Swarm cluster in memory: services run their tasks at once, one per slot, unless
 * `unplaceable` says since when (seconds) no node can take them. Its service hash is a
 * JSON of the image, replicas and env, compared on each read as the real port does. An
 * update armed with `failNextUpdate` goes as Swarm's does when its new task fails: one
 * read `updating`, then `rollback_started` with the old spec back, then `rollback_completed`.
 */
export class FakeSwarm implements SwarmPort {
  readonly services_ = new Map<string, ObservedService>();
  /** The last request each service was created or updated with, by name. */
  readonly requests = new Map<string, ServiceRequest>();
  /** Service names whose tasks cannot be placed, and when their tasks were made (seconds since the epoch). */
  readonly unplaceable = new Map<string, number>();
  calls: string[] = [];
  unreachable = false;
  /** Service names whose updates Swarm refuses (the call fails). */
  readonly refuse = new Set<string>();
  /** When set, createService() throws this (after logging the call) and makes nothing. */
  createError: Error | undefined;
  /** Nodes beyond the manager `node-a`, and the node every task runs on. */
  workers: ObservedNode[] = [];
  taskNode = 'node-a';
  #next = 1;
  readonly #env = new Map<string, string[]>();
  readonly #failing = new Set<string>();
  /** Per service, what each coming `services()` read shows next. */
  readonly #steps = new Map<string, ((s: ObservedService) => ObservedService)[]>();
  readonly #failedTasks: ObservedTask[] = [];

  async cluster(): Promise<{ manager: boolean; nodes: ObservedNode[]; nodeId: string | null }> {
    this.#read('cluster');
    return { manager: true, nodes: this.#nodes(), nodeId: 'node-a' };
  }

  async nodes(): Promise<ObservedNode[]> {
    this.#read('nodes');
    return this.#nodes();
  }

  #nodes(): ObservedNode[] {
    const node = {
      id: 'node-a',
      hostname: 'host-a',
      role: 'manager' as const,
      state: 'ready',
      availability: 'active',
      addr: '127.0.1.1',
    };
    return [{ ...node, labels: {} }, ...this.workers];
  }

  async services(): Promise<ObservedService[]> {
    this.#read('services');
    for (const [id, steps] of this.#steps) {
      const step = steps.shift();
      const service = this.services_.get(id);
      if (step && service) this.services_.set(id, step(service));
      if (steps.length === 0) this.#steps.delete(id);
    }
    return [...this.services_.values()].map((s) => ({ ...s, drift: this.#drift(s) }));
  }

  async tasks(serviceIds: readonly string[]): Promise<ObservedTask[]> {
    this.#read('tasks');
    return [...this.services_.values()]
      .filter((s) => serviceIds.includes(s.id))
      .flatMap((s) => Array.from({ length: s.replicas }, (_, i) => this.#task(s, i + 1)))
      .concat(this.#failedTasks.filter((t) => serviceIds.includes(t.serviceId)));
  }

  async createService(request: ServiceRequest): Promise<string> {
    this.calls.push(`create ${request.name}`);
    if (this.createError) throw this.createError;
    if ([...this.services_.values()].some((s) => s.name === request.name))
      throw new Error(
        `rpc error: code = AlreadyExists desc = name conflicts with an existing object: service ${request.name} already exists`,
      );
    this.requests.set(request.name, request);
    const id = `svc${this.#next++}`;
    this.services_.set(id, this.#observed(id, 1, request));
    return id;
  }

  async updateService(id: string, version: number, request: ServiceRequest): Promise<void> {
    this.calls.push(`update ${request.name}`);
    if (this.refuse.has(request.name)) throw new Error(`update of ${request.name} refused`);
    const service = this.services_.get(id);
    if (!service || service.version !== version) throw new Error('update out of sequence');
    this.requests.set(request.name, request);
    const envBefore = this.#env.get(id) ?? [];
    this.services_.set(id, this.#observed(id, version + 1, request));
    if (this.#failing.delete(request.name)) this.#rollBack(id, service, envBefore);
  }

  async removeService(id: string): Promise<void> {
    this.calls.push(`remove ${this.services_.get(id)?.name ?? id}`);
    this.services_.delete(id);
  }

  serviceHash(request: ServiceRequest): string {
    return JSON.stringify(fieldsOf(request.spec.image, request.replicas, request.env));
  }

  /** The next update of this service fails its new task: Swarm rolls it back to the spec it had. */
  failNextUpdate(name: string): void {
    this.#failing.add(name);
  }

  /** `docker service scale` or `update --image/--env-add` on a service: its labels stay as they were. */
  editByHand(name: string, change: Partial<Fields>): void {
    const service = [...this.services_.values()].find((s) => s.name === name)!;
    const { env, ...rest } = change;
    if (env) this.#env.set(service.id, env);
    this.services_.set(service.id, { ...service, ...rest, version: service.version + 1 });
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
      drift: [],
    });
  }

  mutations(): string[] {
    return this.calls.filter((c) => !c.startsWith('read '));
  }

  #read(what: string): void {
    this.calls.push(`read ${what}`);
    if (this.unreachable) throw new DockerUnreachableError('the manager does not answer');
  }

  /** A service's task in a slot: running on `taskNode`, or pending when no node can take it. */
  #task(s: ObservedService, slot: number): ObservedTask {
    const task = {
      id: `${s.id}-task-${slot}-v${s.version}`,
      serviceId: s.id,
      slot,
      desiredState: 'running',
      ports: [],
    };
    const since = this.unplaceable.get(s.name);
    if (since !== undefined)
      return { ...task, nodeId: null, state: 'pending', message: NO_NODE, containerId: null, created: since };
    const running = { nodeId: this.taskNode, state: 'running', message: 'started', created: s.version };
    return { ...task, ...running, containerId: `${s.id}-c${slot}-v${s.version}` };
  }

  #rollBack(id: string, old: ObservedService, envBefore: string[]): void {
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
      (s) => {
        this.#env.set(id, envBefore);
        return { ...old, version: s.version + 1, updateState: 'rollback_started', updateMessage: message };
      },
      (s) => ({ ...s, version: s.version + 1, updateState: 'rollback_completed', updateMessage: 'rollback completed' }),
    ]);
  }

  #drift(service: ObservedService): string[] {
    const stamp = service.labels[Label.serviceHash];
    if (!stamp) return [];
    const sent = JSON.parse(stamp) as Fields;
    const now = fieldsOf(service.image, service.replicas, this.#env.get(service.id) ?? []);
    return (Object.keys(now) as (keyof Fields)[]).filter((k) => JSON.stringify(sent[k]) !== JSON.stringify(now[k]));
  }

  #observed(id: string, version: number, request: ServiceRequest): ObservedService {
    this.#env.set(id, request.env);
    return {
      id,
      name: request.name,
      version,
      labels: request.labels,
      image: request.spec.image,
      replicas: request.replicas,
      updateState: version > 1 ? 'completed' : null,
      updateMessage: null,
      drift: [],
    };
  }
}

function fieldsOf(image: string, replicas: number, env: string[]): Fields {
  return { image, replicas, env: [...env].sort() };
}
