import type { DescribedLine } from './backend.js';
import { describeAction, targetName } from './plan.js';
import type { Action } from './plan.js';
import type { SpecChange } from './spec-changes.js';

/**
 * One change of a plan as `plan -o json` prints it and the plan's lines are drawn from:
 * what is done (`create`, `recreate`, `remove`, `start`, `route`, ...), to which workload
 * and container, why, and the fields that change with old and new values (env files
 * masked). `line` is the one-line form: `~ recreate image/web#1: env.GREETING changed`.
 */
export interface PlanEntry {
  kind: string;
  workload: string;
  /** `image/web#1`; null for a change that is not one container's (a route). */
  container: string | null;
  reason: string;
  changes: SpecChange[];
  line: string;
}

/** The entry of one action. */
export function entryOf(action: Action): PlanEntry {
  const line = describeAction(action);
  const base = { kind: action.type, workload: action.workloadId, reason: action.cause, line };
  switch (action.type) {
    case 'create':
    case 'recreate':
      return { ...base, container: targetName(action.workloadId, action.desired.rowId), changes: action.changes ?? [] };
    case 'remove':
      return { ...base, container: targetName(action.workloadId, action.rowId), changes: action.changes ?? [] };
    case 'start':
      return { ...base, container: targetName(action.workloadId, action.rowId), changes: [] };
    default:
      return { ...base, container: null, changes: [] };
  }
}

/**
 * The entry of a line a backend wrote itself (a Swarm service's `~ update ...: why`), for
 * the workload it named: kind, target and reason read back from the line's own shape, no
 * field changes.
 */
export function entryOfLine({ workloadId, line }: DescribedLine): PlanEntry {
  const match = /^[+~-] (\S+) (.+?)(?:: (.*))?$/.exec(line);
  const target = match?.[2] ?? '';
  return {
    kind: match?.[1] ?? 'change',
    workload: workloadId,
    container: target,
    reason: match?.[3] ?? '',
    changes: [],
    line,
  };
}
