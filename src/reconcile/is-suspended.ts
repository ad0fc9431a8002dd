import { SUSPEND_ANNOTATION } from '../api/annotations.js';
import type { ControllerState } from '../api/state-types.js';
import type { Workload } from '../api/workload.js';

/** Whether the workload's manifest carries the suspend annotation, set to the string `"true"` exactly. */
export function isSuspended(workload: Workload): boolean {
  return workload.manifest.metadata.annotations?.[SUSPEND_ANNOTATION] === 'true';
}

/**
 * Why the controller does not act on this workload, as its Ready condition says it, or
 * null: its annotation, or `tinyforge suspend` (the state's `controller.suspended`). The
 * annotation wins: it is what the manifest says, and only an edit of the manifest lifts it.
 */
export function suspension(workload: Workload, state: ControllerState): string | null {
  if (isSuspended(workload)) return `suspended by annotation ${SUSPEND_ANNOTATION}`;
  const runtime = state.controller.suspended?.[workload.id];
  return runtime ? `suspended by 'tinyforge suspend' at ${runtime.at}` : null;
}
