import type { ObservedNode, ObservedTask } from '../api/observed-service.js';

/**
 * How long a list of the nodes is trusted: a drained or downed node shows within this. Well
 * above the default resync (30 s), so that most steady passes read two things, not three.
 */
export const NODES_TTL_MS = 120_000;

/**
 * What the Swarm backend knows of the cluster, kept across passes: the nodes are listed
 * again when a task names a node not among them, or when the list is older than
 * NODES_TTL_MS (a node's availability or state changed). A steady pass so reads two
 * things (services, tasks), not three.
 */
export class ClusterView {
  #nodes = new Map<string, ObservedNode>();
  #nodeId: string | null = null;
  #listedAt = Number.NEGATIVE_INFINITY;

  /** The nodes by id. */
  get nodes(): ReadonlyMap<string, ObservedNode> {
    return this.#nodes;
  }

  /** The node of the engine tinyforge talks to: where the controller's files are. */
  get nodeId(): string | null {
    return this.#nodeId;
  }

  /** What a listing at `now` showed (the manager check at start-up, or a pass). */
  seen(cluster: { nodes: readonly ObservedNode[]; nodeId: string | null }, now: number): void {
    this.#nodes = new Map(cluster.nodes.map((n) => [n.id, n]));
    this.#nodeId = cluster.nodeId;
    this.#listedAt = now;
  }

  stale(tasks: readonly ObservedTask[], now: number): boolean {
    if (now - this.#listedAt >= NODES_TTL_MS) return true;
    return tasks.some((t) => t.nodeId !== null && !this.#nodes.has(t.nodeId));
  }

  /** The nodes in id order, as the state file lists them. */
  sorted(): ObservedNode[] {
    return [...this.#nodes.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
  }
}
