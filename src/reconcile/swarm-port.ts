import type { ObservedNode, ObservedService, ObservedTask } from '../api/observed-service.js';
import type { ContainerSpec, SpecPlacement } from './container-spec.js';

/** How a service rolls a new spec out: Swarm's update order, and how long it watches each new task. */
export interface ServiceUpdate {
  /** `recreate` -> `stop-first`; `start-first` starts the new task before stopping the old. */
  order: 'stop-first' | 'start-first';
  /** How long Swarm watches a new task before it counts as updated (a Project's `minReadySeconds`). */
  monitorMs: number;
}

/** Where Swarm may place a service's tasks, in Swarm's own terms (a manifest's `placement`). */
export type ServicePlacement = SpecPlacement;

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

/**
 * tinyforge's only way to a Swarm cluster, through its manager. Every method has a
 * timeout; DockerUnreachableError means the manager did not answer, any other throw is
 * that one call failing. Reads are whole: a failed one is a failed read (nothing swept).
 */
export interface SwarmPort {
  /**
   * Whether the engine is a Swarm manager, the cluster's nodes when it is, and the id of
   * the engine's own node (null outside a Swarm): where the controller's files are.
   */
  cluster(): Promise<{ manager: boolean; nodes: ObservedNode[]; nodeId: string | null }>;
  /** The cluster's nodes, in one call. */
  nodes(): Promise<ObservedNode[]>;
  /** Every service with the `tinyforge.managed=true` label, in one call. */
  services(): Promise<ObservedService[]>;
  /** The tasks of these services, in one call. */
  tasks(serviceIds: readonly string[]): Promise<ObservedTask[]>;
  /** Creates the service and answers its id. */
  createService(request: ServiceRequest): Promise<string>;
  /** Updates the service in place at `version` (its id stays; Swarm rolls the tasks). */
  updateService(id: string, version: number, request: ServiceRequest): Promise<void>;
  /** Removes the service; gone counts as removed. */
  removeService(id: string): Promise<void>;
  /**
   * The `tinyforge.service-hash` label of the spec this request sends (no call): a digest
   * of each field tinyforge sets, which `services()` compares with the spec it reads to
   * tell the fields changed outside tinyforge (`drift`). Throws what creating it would.
   */
  serviceHash(request: ServiceRequest): string;
}
