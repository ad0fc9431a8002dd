import { SUSPEND_ANNOTATION } from '../api/annotations.js';
import type { Workload } from '../api/workload.js';

/** Whether the workload's manifest carries the suspend annotation, set to the string `"true"` exactly. */
export function isSuspended(workload: Workload): boolean {
  return workload.manifest.metadata.annotations?.[SUSPEND_ANNOTATION] === 'true';
}
