import { Label } from '../api/labels.js';
import type { ObservedService, ObservedTask } from '../api/observed-service.js';
import type { RoleRollout } from './backend.js';
import { runningSpecHash } from './swarm-tasks.js';

/**
 * Swarm starts an update a moment after it accepted it, and until then still shows the
 * state of the update before (or none); an update that changes no task (labels only)
 * never starts: a service updated this long ago that says nothing of a new update is
 * taken as done.
 */
export const UPDATE_START_GRACE_MS = 3000;

/**
 * A service's last update as the pass records it (backend.ts RoleRollout). Swarm's
 * rollback puts the old spec back (its labels, so its spec hash, too) and says why in
 * words that name the failed task; that task's own error is added when it is at hand.
 * `updatedAt`: when this session sent the service a new spec (undefined: it did not).
 */
export function serviceRollout(
  service: ObservedService,
  tasks: readonly ObservedTask[],
  updatedAt: number | undefined,
  now: number,
): RoleRollout {
  const state = service.updateState;
  const underWay = state === 'updating' || state === 'rollback_started';
  const starting = updatedAt !== undefined && now - updatedAt < UPDATE_START_GRACE_MS;
  const rolledBack = state === 'rollback_started' || state === 'rollback_paused' || state === 'rollback_completed';
  return {
    specHash: runningSpecHash(service),
    deployedHash: service.labels[Label.specHash] ?? '',
    busy: underWay || starting,
    rolledBack,
    message: rolledBack ? rollbackMessage(service, tasks) : null,
  };
}

/** Swarm's message, with the error of the task it names: `… of task 0zf8…: task: non-zero exit (137): … unhealthy container`. */
function rollbackMessage(service: ObservedService, tasks: readonly ObservedTask[]): string | null {
  const message = service.updateMessage;
  if (message === null) return null;
  const named = /task (\S+)$/.exec(message)?.[1];
  const task = named === undefined ? undefined : tasks.find((t) => t.id === named && t.serviceId === service.id);
  return task?.message ? `${message}: ${task.message}` : message;
}

/**
 * One session's view of its services' updates: when it sent each a new spec, and the
 * most telling rollback message seen (Swarm's `rollback completed` says less than the
 * message before it, which is kept).
 */
export class RolloutWatch {
  readonly #sentAt = new Map<string, number>();
  readonly #why = new Map<string, string>();
  #last = new Map<string, RoleRollout>();

  /** This session sent the service of `key` (`<workload id>:<role>`) a new task template at `now`. */
  sent(key: string, now: number): void {
    this.#sentAt.set(key, now);
  }

  /** Each owned service's last update, from a read. */
  read(owned: ReadonlyMap<string, ObservedService>, tasks: readonly ObservedTask[], now: number): void {
    const rollouts = new Map<string, RoleRollout>();
    for (const [key, service] of owned) {
      const rollout = serviceRollout(service, tasks, this.#sentAt.get(key), now);
      if (rollout.message !== null && service.updateState === 'rollback_started') this.#why.set(key, rollout.message);
      rollouts.set(key, { ...rollout, message: rollout.rolledBack ? (this.#why.get(key) ?? rollout.message) : null });
    }
    this.#last = rollouts;
  }

  /** As the last read showed them. */
  last(): ReadonlyMap<string, RoleRollout> {
    return this.#last;
  }
}
