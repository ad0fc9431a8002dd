/** Docker's container states, as its list call reports them. */
export type DockerState = 'created' | 'running' | 'restarting' | 'paused' | 'exited' | 'dead' | 'removing';

/**
 * A container as one list call shows it, in tinyforge's own terms (never dockerode's
 * types): everything the observe pass needs, without a per-container inspect.
 */
export interface ObservedContainer {
  id: string;
  /** Without Docker's leading slash. */
  name: string;
  image: string;
  labels: Record<string, string>;
  state: DockerState;
  /** Docker's human status, e.g. `Up 5 minutes (healthy)`, `Exited (1) 2 seconds ago`. */
  status: string;
  /** Seconds since the epoch. */
  created: number;
  /** Published host ports. */
  ports: number[];
  health: 'healthy' | 'unhealthy' | 'starting' | null;
  /** Swarm only: the hostname of the node a task's container runs on. */
  node?: string;
  /** Swarm only: the address its published ports are reached at from the controller, when not this host's loopback. */
  address?: string;
  /** Swarm only: a task the scheduler could not place yet, with its words (`no suitable node (…)`). */
  unplaced?: string;
}
