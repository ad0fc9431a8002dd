import type { ControllerState, WorkloadStatus } from '../api/state-types.js';
import type { PlanEntry } from './plan-entry.js';

/** How many of a pass's plan lines a workload keeps (`describe` shows them; a scale to 100 would be 100). */
export const LAST_PLAN_LINES = 20;

/**
 * Records, on each workload this pass planned changes for, the pass's plan lines for it
 * (`lastPlan`: what `run` set out to do, as `plan` words it, secrets masked; whether each step worked is in its events and `lastError`); a workload the
 * pass left alone keeps the one it had. A pruned workload has no status to keep it on.
 */
export function recordLastPlan(
  state: ControllerState,
  previous: ControllerState,
  entries: readonly PlanEntry[],
  at: string,
): void {
  const lines = new Map<string, string[]>();
  for (const entry of entries) lines.set(entry.workload, [...(lines.get(entry.workload) ?? []), entry.line]);
  for (const [id, status] of Object.entries(state.workloads)) {
    const lastPlan = lines.has(id) ? kept(lines.get(id)!, at) : previous.workloads[id]?.lastPlan;
    if (lastPlan !== status.lastPlan) state.workloads[id] = withLastPlan(status, lastPlan);
  }
}

function kept(lines: string[], at: string): NonNullable<WorkloadStatus['lastPlan']> {
  if (lines.length <= LAST_PLAN_LINES) return { at, lines };
  const more = lines.length - (LAST_PLAN_LINES - 1);
  return { at, lines: [...lines.slice(0, LAST_PLAN_LINES - 1), `... and ${more} more`] };
}

function withLastPlan(status: WorkloadStatus, lastPlan: WorkloadStatus['lastPlan']): WorkloadStatus {
  const { lastPlan: _old, ...rest } = status;
  return lastPlan === undefined ? rest : { ...rest, lastPlan };
}
