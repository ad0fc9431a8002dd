import { Label } from '../api/labels.js';
import type { ObservedService, ObservedTask } from '../api/observed-service.js';
import type { RoleRollout } from './backend.js';

/**
 * Swarm starts an update a moment after it accepted it, and an update that changes no
 * task (labels only) never starts: a service updated this long ago that says nothing of
 * an update is taken as done.
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
  const starting = state === null && updatedAt !== undefined && now - updatedAt < UPDATE_START_GRACE_MS;
  const rolledBack = state === 'rollback_started' || state === 'rollback_paused' || state === 'rollback_completed';
  return {
    specHash: service.labels[Label.specHash] ?? '',
    busy: state === 'updating' || state === 'rollback_started' || starting,
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
