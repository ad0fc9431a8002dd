import type { ObservedNode } from '../api/observed-service.js';
import type { DesiredContainer } from './desired.js';
import type { ObservedContainer } from '../api/observed-container.js';
import type { Lookup } from './lazy.js';
import type { ContainerSpec } from './container-spec.js';
import type { ExecuteResult } from './execute-result.js';
import type { Action } from './plan.js';
import type { Settled } from './settle.js';

/**
 * What a pass needs from what it drives. Each pass opens a session of its own (passes
 * over different workloads may run at once), which counts that pass's calls. The pass
 * decides; the backend only reads and does. Containers on one Docker engine are the
 * first backend (container-backend.ts).
 */
/** A plan line a backend words itself, and the workload it changes. */
export interface DescribedLine {
  workloadId: string;
  line: string;
}

export interface Backend {
  session(): BackendSession;
}

/** One pass's way to the engine: read everything it owns in one call, apply a plan, wait for what it started. */
export interface BackendSession {
  /**
   * Every managed object, in one read. Any throw is a failed read: the pass sweeps,
   * prunes and recreates nothing on it (docs/guarantees.md #1).
   */
  read(): Promise<ObservedContainer[]>;
  /**
   * The engine's identity (Docker's engine ID), asked only to record it once and when a read
   * is suspect (reconcile/engine-check.ts); absent where the backend has none to compare (Swarm).
   */
  engineId?(): Promise<string>;
  /**
   * Applies a plan's actions, workloads in parallel and each workload's in order; one
   * failing stops its workload only, and is reported in the result, never thrown.
   * `specs` are the known specs by hash (a container's stop grace period); `target` what
   * each workload converges to (a backend that acts per service needs the whole of it).
   */
  apply(
    actions: readonly Action[],
    snapshot: readonly ObservedContainer[],
    specs: Lookup<string, ContainerSpec>,
    target: ReadonlyMap<string, readonly DesiredContainer[]>,
  ): Promise<ExecuteResult>;
  /**
   * The plan's lines, each with its workload, when the backend changes something other
   * than one container per action (a Swarm service per workload role); without it, one
   * line per action.
   */
  describe?(
    actions: readonly Action[],
    specs: Lookup<string, ContainerSpec>,
    target: ReadonlyMap<string, readonly DesiredContainer[]>,
  ): DescribedLine[];
  /**
   * Waits until what `apply` started runs or has failed: the last read, or why it failed.
   * `started`: each container started, and when its start returned (ms, on the pass's clock).
   */
  settle(started: ReadonlyMap<string, number>): Promise<Settled>;
  /**
   * Present on a backend that rolls a new spec out by itself (Swarm's updates): the pass then
   * plans every kind role by role, without slots, and records what this says of each role's
   * last rollout, by `<workload id>:<role>`, as the session last read it.
   */
  rollouts?(): ReadonlyMap<string, RoleRollout>;
  /** The cluster's nodes as this session last knew them (a Swarm cluster); undefined for one engine. */
  nodes?(): readonly ObservedNode[] | undefined;
  /** The engine calls this session made, and how many of them changed something. */
  calls(): { total: number; mutations: number };
}

/** `<workload id>:<role>`: how a workload role is named where a backend acts per role (a Swarm service). */
export function roleKey(workloadId: string, role: string): string {
  return `${workloadId}:${role}`;
}

/** A role key's workload id and role (a workload id may hold a colon; a role never does). */
export function splitRoleKey(key: string): { workloadId: string; role: string } {
  const cut = key.lastIndexOf(':');
  return { workloadId: key.slice(0, cut), role: key.slice(cut + 1) };
}

/** Where a role's last rollout stands, on a backend that rolls out by itself. */
export interface RoleRollout {
  /** The spec the role runs now: after a rollback, the old one again; marked when it was changed by hand. */
  specHash: string;
  /** The spec tinyforge last deployed that the role runs (unmarked): what a held role keeps. */
  deployedHash: string;
  /** The backend is still moving tasks: an update or a rollback is under way. */
  busy: boolean;
  /** The last update failed and was (or is being) undone. */
  rolledBack: boolean;
  /** Why it was rolled back, in the backend's words; null when it was not. */
  message: string | null;
}
