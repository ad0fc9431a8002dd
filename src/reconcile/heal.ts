import type { ObservedContainer } from '../api/observed-container.js';
import type { OwnedContainer } from './classify.js';
import type { DesiredContainer } from './desired.js';
import { rowIdOf } from './ownership.js';
import type { Action } from './plan.js';

/**
 * Where a planner puts what self-heal decides for one workload: the actions, and the
 * rows the restart budget holds back (they read CrashLoop).
 */
export interface HealSink {
  workloadId: string;
  /** Whether the restart budget lets this row be restarted or recreated now. */
  mayHeal: (rowId: string) => boolean;
  actions: Action[];
  crashLooping: Set<string>;
}

/** Docker states of a container that is not running and will not run by itself. */
export function isStopped(container: ObservedContainer): boolean {
  return container.state === 'exited' || container.state === 'dead' || container.state === 'created';
}

/** Stopped -> started again within the restart budget, else the row crash-loops. Running: nothing. */
export function startOrCrashLoop(rowId: string, container: ObservedContainer, sink: HealSink): void {
  if (!isStopped(container)) return;
  if (!sink.mayHeal(rowId)) {
    sink.crashLooping.add(rowId);
    return;
  }
  const cause =
    container.state === 'created' ? 'container created but not started' : `container stopped (${container.state})`;
  sink.actions.push({ type: 'start', workloadId: sink.workloadId, rowId, container, cause });
}

/**
 * A wanted container with none behind it: a new replica is created; one that had a
 * container before vanished, and is recreated within the restart budget, else it crash-loops.
 */
export function createOrCrashLoop(desired: DesiredContainer, vanished: boolean, sink: HealSink): void {
  if (vanished && !sink.mayHeal(desired.rowId)) {
    sink.crashLooping.add(desired.rowId);
    return;
  }
  sink.actions.push(createAction(desired, vanished ? 'container vanished' : 'new replica', vanished));
}

export function createAction(desired: DesiredContainer, cause: string, selfHeal = false): Action {
  return { type: 'create', workloadId: desired.workloadId, desired, cause, selfHeal };
}

export function removeAction(owned: OwnedContainer, cause: string, prune = false): Action {
  const { container, identity } = owned;
  return { type: 'remove', workloadId: identity.workloadId, rowId: rowIdOf(identity), container, cause, prune };
}
