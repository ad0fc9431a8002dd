/** `tinyforge.dev/suspend: "true"` freezes a workload: the controller does not act on it, its status still counts. */
export const SUSPEND_ANNOTATION = 'tinyforge.dev/suspend';
