import type { Reference } from '../api/workload.js';
import type { Lookup } from './lazy.js';
import type { Clock } from './clock.js';
import type { ContainerSpec } from './container-spec.js';
import type { DockerPort } from './docker-port.js';
import type { Progress } from './progress.js';
import type { PortAllocator, RouteProvider } from './route-provider.js';
import { Semaphore } from './semaphore.js';

export interface ExecuteDeps {
  docker: DockerPort;
  key: Buffer;
  controller: string;
  clock: Clock;
  /** Reads an env file's variables (secrets: they go to Docker and nowhere else). */
  readEnvFile: (reference: Reference) => Map<string, string>;
  /** Workloads reconciled at once. */
  concurrency: number;
  /** Specs by hash, for the stop grace period of containers being replaced. */
  specs: Lookup<string, ContainerSpec>;
  /** Limits shared by ticks that run at once (the daemon's workers); per execution otherwise. */
  limits?: ExecutionLimits;
  /** Called when self-heal restarted or recreated a row, for the restart budget. */
  healed?: (rowId: string) => void;
  /** The reverse proxy (`--routes`); default: routes are only recorded. */
  routes?: RouteProvider;
  /** Host ports for Project slots; default: the lowest of the default range that no container holds. */
  ports?: PortAllocator;
  /** Told as each action begins and ends; default: nobody. */
  progress?: Progress;
}

/** How many creates/starts, and how many stops/removals, may run at once. */
export interface ExecutionLimits {
  creates: Semaphore;
  removals: Semaphore;
}

/** Stops and removals two at a time at most: Docker 20.10 deadlocks under more (moby#42545). */
export function executionLimits(concurrency: number): ExecutionLimits {
  return { creates: new Semaphore(concurrency), removals: new Semaphore(2) };
}
