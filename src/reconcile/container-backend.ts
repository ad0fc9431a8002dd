import type { DesiredContainer } from './desired.js';
import type { ObservedContainer } from '../api/observed-container.js';
import type { Lookup } from './lazy.js';
import type { Reference } from '../api/workload.js';
import type { Backend, BackendSession } from './backend.js';
import type { Clock } from './clock.js';
import type { ContainerSpec } from './container-spec.js';
import { CountingPort } from './counting-port.js';
import type { DockerPort } from './docker-port.js';
import { executePlan } from './execute-plan.js';
import type { ExecutionLimits } from './execute-deps.js';
import type { ExecuteResult } from './execute-result.js';
import type { Action } from './plan.js';
import type { Progress } from './progress.js';
import type { PortAllocator, RouteProvider } from './route-provider.js';
import { settle } from './settle.js';
import type { SettleOptions, Settled } from './settle.js';

export interface ContainerBackendDeps {
  docker: DockerPort;
  /** The controller key that signs what is created; without one (plan before any run) nothing may be applied. */
  key: Buffer | undefined;
  controller: string;
  clock: Clock;
  /** Reads an env file's variables (secrets: they go to Docker and nowhere else). */
  readEnvFile: (reference: Reference) => Map<string, string>;
  /** Workloads acted on at once. */
  concurrency: number;
  /**
   * How long `run --once` waits for started containers to settle, how often it looks,
   * and how long it watches them once running, so that a program that dies at once is
   * seen failing rather than reported running.
   */
  settle: SettleOptions;
  /** Limits shared by passes that run at once; per pass otherwise. */
  limits?: ExecutionLimits;
  /** Self-heal restarted or recreated this row (it counts against the restart budget). */
  healed?: (rowId: string) => void;
  /** The reverse proxy (`--routes`); default: routes are only recorded. */
  routes?: RouteProvider;
  /** Host ports for Project slots (`--port-range`). */
  ports?: PortAllocator;
  /** Told as each action begins and ends (`run --once` on a terminal); default: nobody. */
  progress?: Progress;
}

/** The backend of one Docker engine: each desired container is a container, owned through its signed labels. */
export class ContainerBackend implements Backend {
  readonly #deps: ContainerBackendDeps;

  constructor(deps: ContainerBackendDeps) {
    this.#deps = deps;
  }

  session(): BackendSession {
    return new ContainerSession(this.#deps);
  }
}

/** One pass's calls to the engine, counted. */
class ContainerSession implements BackendSession {
  readonly #deps: ContainerBackendDeps;
  readonly #docker: CountingPort;

  constructor(deps: ContainerBackendDeps) {
    this.#deps = deps;
    this.#docker = new CountingPort(deps.docker);
  }

  read(): Promise<ObservedContainer[]> {
    return this.#docker.list();
  }

  engineId(): Promise<string> {
    return this.#docker.engineId();
  }

  apply(
    actions: readonly Action[],
    snapshot: readonly ObservedContainer[],
    specs: Lookup<string, ContainerSpec>,
    _target: ReadonlyMap<string, readonly DesiredContainer[]>,
  ): Promise<ExecuteResult> {
    const { key, limits, healed, routes, ports, progress } = this.#deps;
    if (!key) throw new Error('no controller key: cannot sign containers');
    return executePlan(actions, snapshot, {
      ...this.#deps,
      docker: this.#docker,
      key,
      specs,
      ...(limits ? { limits } : {}),
      ...(healed ? { healed } : {}),
      ...(routes ? { routes } : {}),
      ...(ports ? { ports } : {}),
      ...(progress ? { progress } : {}),
    });
  }

  settle(started: ReadonlyMap<string, number>): Promise<Settled> {
    return settle(this.#docker, started, this.#deps);
  }

  calls(): { total: number; mutations: number } {
    return { total: this.#docker.total, mutations: this.#docker.mutations };
  }
}
