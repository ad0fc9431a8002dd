import type { Phase } from './state-types.js';

/**
 * What the control socket is asked (docs/how-it-works.md: The control socket): `POST
 * /v1/<action>` with `{"name": NAME}`, NAME a workload's name or id.
 */
export const ControlAction = { reconcile: 'reconcile', suspend: 'suspend', resume: 'resume' } as const;
export type ControlAction = (typeof ControlAction)[keyof typeof ControlAction];

export const CONTROL_ACTIONS: readonly ControlAction[] = Object.values(ControlAction);

/** The control socket's answer, a JSON object; `ok` false makes the command exit 1. */
export interface ControlReply {
  ok: boolean;
  /** The workload's id, or null when NAME named none. */
  workload: string | null;
  /** Its phase after the pass the request waited for (null: none, or it is gone). */
  phase: Phase | null;
  /** What happened, for a person: the Ready condition's message, or why nothing was done. */
  message: string;
}
