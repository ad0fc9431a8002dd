import { MAX_EVENTS } from '../api/state-types.js';
import type { ControllerState, StateEvent } from '../api/state-types.js';

/**
 * Folds the result of a tick into the current state, which other ticks and requests may
 * have changed meanwhile: with a `scope`, the scope's workloads come from the result and
 * every other workload stays as it is now (without one, all come from the result);
 * controller, invalid and foreign are the newest; the events recorded meanwhile are
 * kept, the result's appended after them.
 */
export function mergeScoped(
  current: ControllerState,
  result: ControllerState,
  newEvents: readonly StateEvent[],
  scope: ReadonlySet<string> | undefined,
): ControllerState {
  return {
    ...result,
    workloads: scope ? scopedWorkloads(current, result, scope) : result.workloads,
    events: [...current.events, ...newEvents].slice(-MAX_EVENTS),
  };
}

function scopedWorkloads(
  current: ControllerState,
  result: ControllerState,
  scope: ReadonlySet<string>,
): ControllerState['workloads'] {
  const workloads = { ...current.workloads };
  for (const id of scope) {
    const status = result.workloads[id];
    if (status) workloads[id] = status;
    else delete workloads[id];
  }
  return Object.fromEntries(Object.entries(workloads).sort(([a], [b]) => (a < b ? -1 : 1)));
}
