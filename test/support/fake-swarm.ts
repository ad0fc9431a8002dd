import type { ObservedNode, ObservedService, ObservedTask } from '../../src/api/observed-service.js';
import { DockerUnreachableError } from '../../src/reconcile/docker-port.js';
import type { ServiceRequest, SwarmPort } from '../../src/reconcile/swarm-port.js';

/** A Swarm cluster in memory: services run their tasks at once, one per slot. */
export class FakeSwarm implements SwarmPort {
  readonly services_ = new Map<string, ObservedService>();
  calls: string[] = [];
  unreachable = false;
  /** Nodes beyond the manager `node-a`, and the node every task runs on. */
  workers: ObservedNode[] = [];
  taskNode = 'node-a';
  #next = 1;

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
    return [...this.services_.values()].map((s) => ({ ...s }));
  }

  async tasks(serviceIds: readonly string[]): Promise<ObservedTask[]> {
    this.#read('tasks');
    return [...this.services_.values()]
      .filter((s) => serviceIds.includes(s.id))
      .flatMap((s) =>
        Array.from({ length: s.replicas }, (_, i) => ({
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
        })),
      );
  }

  async createService(request: ServiceRequest): Promise<string> {
    this.calls.push(`create ${request.name}`);
    const id = `svc${this.#next++}`;
    this.services_.set(id, this.#observed(id, 1, request));
    return id;
  }

  async updateService(id: string, version: number, request: ServiceRequest): Promise<void> {
    this.calls.push(`update ${request.name}`);
    const service = this.services_.get(id);
    if (!service || service.version !== version) throw new Error('update out of sequence');
    this.services_.set(id, this.#observed(id, version + 1, request));
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
