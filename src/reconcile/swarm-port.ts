import type { ContainerSpec } from './container-spec.js';

/** How a service rolls a new spec out: Swarm's update order, and how long it watches each new task. */
export interface ServiceUpdate {
  /** `recreate` -> `stop-first`; `start-first` starts the new task before stopping the old. */
  order: 'stop-first' | 'start-first';
  /** How long Swarm watches a new task before it counts as updated (a Project's `minReadySeconds`). */
  monitorMs: number;
}

/** Where Swarm may place a service's tasks, in Swarm's own terms (a manifest's `placement`). */
export interface ServicePlacement {
  constraints: string[];
  maxReplicasPerNode: number | null;
  /** Spread descriptors, e.g. `node.labels.zone`. */
  spread: string[];
}

/** What creating or updating one service takes: the Swarm analog of a container's CreateRequest. */
export interface ServiceRequest {
  /** `tf-web-image`: a container's name without the replica and hash. */
  name: string;
  spec: ContainerSpec;
  replicas: number;
  /** The signed tinyforge labels of the service. */
  labels: Record<string, string>;
  /** `KEY=value` entries: env files first, then `env`. Holds secrets: never log it. */
  env: string[];
  update: ServiceUpdate;
  placement: ServicePlacement | null;
}

/** A container field a Swarm service cannot have. */
export class ServiceUnsupportedError extends Error {
  readonly code = 'SERVICE_UNSUPPORTED';
}
