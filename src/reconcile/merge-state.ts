import { MAX_EVENTS } from '../api/state-types.js';
import type { ControllerState, StateEvent } from '../api/state-types.js';

/**
 * Folds the result of a tick that acted on `scope` only into the current state, which
 * other ticks may have changed meanwhile: the scope's workloads come from the result,
 * every other workload stays as it is now; controller, invalid and foreign are the
 * newest; the result's events are appended.
 */
export function mergeScoped(
  current: ControllerState,
  result: ControllerState,
  newEvents: readonly StateEvent[],
  scope: ReadonlySet<string>,
): ControllerState {
  const workloads = { ...current.workloads };
  for (const id of scope) {
    const status = result.workloads[id];
    if (status) workloads[id] = status;
    else delete workloads[id];
  }
  return {
    ...result,
    workloads: Object.fromEntries(Object.entries(workloads).sort(([a], [b]) => (a < b ? -1 : 1))),
    events: [...current.events, ...newEvents].slice(-MAX_EVENTS),
  };
}
