import type { DockerState, ObservedContainer } from '../../src/api/observed-container.js';
import { DockerUnreachableError, NameConflictError } from '../../src/reconcile/docker-port.js';
import type { CreateRequest, DockerPort } from '../../src/reconcile/docker-port.js';
import type { Clock } from '../../src/reconcile/clock.js';

/**
 * An in-memory engine behind tinyforge's own DockerPort, for unit tests of the
 * reconciler: containers, images, a call log, and switches for failures.
 */
export class FakeDocker implements DockerPort {
  containers = new Map<string, ObservedContainer & { request?: CreateRequest }>();
  images = new Set<string>(['tinyforge-test/busybox:1', 'tinyforge-test/busybox:2']);
  calls: string[] = [];
  /** When set, list() throws this. */
  listError: Error | undefined;
  /** With `listError`: this many more lists answer before it is thrown (one tick's second list fails with 1). */
  failListAfter: number | undefined;
  /** When set, create() throws this (after logging the call) and makes nothing. */
  createError: Error | undefined;
  /** Images whose containers exit right after start. */
  crashing = new Set<string>();
  /** Images whose containers stay `created` after start, as one slow to come up does. */
  slowStarting = new Set<string>();
  /** What engineId() answers: change it to play another engine, or a swapped data root. */
  id = 'FAKE:ENGINE:ONE';
  /** When set, engineId() throws this. */
  engineIdError: Error | undefined;
  #next = 1;
  /** Creation times in seconds: from the test's clock when there is one, one second apart. */
  #clock: number;

  constructor(clock?: Clock) {
    this.#clock = clock ? Math.floor(clock.now().getTime() / 1000) : 1_700_000_000;
  }

  async list(): Promise<ObservedContainer[]> {
    this.calls.push('list');
    if (this.listError) {
      if (this.failListAfter === undefined || this.failListAfter <= 0) throw this.listError;
      this.failListAfter--;
    }
    return [...this.containers.values()].map(({ request: _r, ...c }) => structuredClone(c));
  }

  async engineId(): Promise<string> {
    this.calls.push('engineId');
    if (this.engineIdError) throw this.engineIdError;
    return this.id;
  }

  async imagePresent(image: string): Promise<boolean> {
    this.calls.push(`imagePresent ${image}`);
    return this.images.has(image);
  }

  async pull(image: string): Promise<void> {
    this.calls.push(`pull ${image}`);
    throw new Error(`pull of ${image} failed: no registry here`);
  }

  async create(request: CreateRequest): Promise<string> {
    this.calls.push(`create ${request.name}`);
    if (this.createError) throw this.createError;
    if ([...this.containers.values()].some((c) => c.name === request.name))
      throw new NameConflictError(`name ${request.name} in use`);
    const id = `c${String(this.#next++).padStart(63, '0')}`;
    this.containers.set(id, {
      id,
      name: request.name,
      image: request.spec.image,
      labels: { ...request.labels },
      state: 'created',
      status: 'Created',
      created: this.#clock++,
      ports: request.spec.ports.filter((p) => p.host !== null).map((p) => p.host!),
      health: null,
      request,
    });
    return id;
  }

  async start(id: string): Promise<void> {
    this.calls.push(`start ${this.nameOf(id)}`);
    const c = this.mustGet(id);
    if (this.slowStarting.has(c.image)) return;
    c.state = this.crashing.has(c.image) ? 'exited' : 'running';
  }

  async stop(id: string): Promise<void> {
    this.calls.push(`stop ${this.nameOf(id)}`);
    const c = this.containers.get(id);
    if (c) c.state = 'exited';
  }

  async remove(id: string): Promise<void> {
    this.calls.push(`remove ${this.nameOf(id)}`);
    this.containers.delete(id);
  }

  /** Adds a container as if someone else had made it (labels as given). */
  addContainer(
    partial: Partial<ObservedContainer> & { name: string; labels: Record<string, string> },
    state: DockerState = 'running',
  ): string {
    const id = `x${String(this.#next++).padStart(63, '0')}`;
    this.containers.set(id, {
      id,
      image: 'tinyforge-test/busybox:1',
      status: '',
      created: this.#clock++,
      ports: [],
      health: null,
      state,
      ...partial,
    });
    return id;
  }

  mutations(): string[] {
    return this.calls.filter((c) => !['list', 'imagePresent', 'engineId'].some((read) => c.startsWith(read)));
  }

  unreachable(): void {
    this.listError = new DockerUnreachableError('cannot reach Docker: ECONNREFUSED');
  }

  private nameOf(id: string): string {
    return this.containers.get(id)?.name ?? id;
  }

  private mustGet(id: string) {
    const c = this.containers.get(id);
    if (!c) throw new Error(`no container ${id}`);
    return c;
  }
}

/** A clock that only moves when told to; sleeping advances it. */
export class FakeClock implements Clock {
  #now: number;
  constructor(start = Date.parse('2026-11-27T10:00:00Z')) {
    this.#now = start;
  }
  now(): Date {
    return new Date(this.#now);
  }
  async sleep(ms: number): Promise<void> {
    this.#now += ms;
  }
  advance(ms: number): void {
    this.#now += ms;
  }
}
