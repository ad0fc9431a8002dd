/** Where a Swarm service's last update stands, as Swarm reports it (null: never updated). */
export type UpdateState =
  | 'updating'
  | 'paused'
  | 'completed'
  | 'rollback_started'
  | 'rollback_paused'
  | 'rollback_completed'
  | null;

/** A Swarm service as one list call shows it, in tinyforge's own terms. */
export interface ObservedService {
  id: string;
  name: string;
  /** Swarm's object version: an update must name the version it changes. */
  version: number;
  labels: Record<string, string>;
  /** The image its tasks run. */
  image: string;
  replicas: number;
  updateState: UpdateState;
  /** Swarm's words on the last update (why it rolled back). */
  updateMessage: string | null;
  /**
   * The fields tinyforge set that were changed outside tinyforge since (`replicas`,
   * `image`, `env`...): empty when none, or when the service carries no digest to compare with.
   */
  drift: string[];
}

/** One task of a service: a slot filled by a container on a node. */
export interface ObservedTask {
  id: string;
  serviceId: string;
  /** The replica it fills, 1-based. */
  slot: number;
  nodeId: string | null;
  /** What Swarm wants of it (`running`, `shutdown`) and where it is (`running`, `failed`, `pending`...). */
  desiredState: string;
  state: string;
  /** Swarm's message, e.g. `no suitable node (…)`. */
  message: string;
  containerId: string | null;
  /** Seconds since the epoch. */
  created: number;
  /** The host ports its container publishes (host mode), as Swarm reports them. */
  ports: number[];
}

/** A node of the cluster (the state file's `controller.nodes`). */
export interface ObservedNode {
  id: string;
  hostname: string;
  role: 'manager' | 'worker';
  state: string;
  /** The address the node is reached at (Swarm's `Status.Addr`). */
  addr: string;
  availability: string;
  labels: Record<string, string>;
}
