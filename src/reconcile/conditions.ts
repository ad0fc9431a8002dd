import type { Condition, ConditionType } from '../api/state-types.js';

/**
 * Sets a condition; `lastTransitionTime` moves only when `status` changes (reason and
 * message may change any time). Answers a new array, in a stable order.
 */
export function setCondition(
  conditions: readonly Condition[],
  type: ConditionType,
  status: Condition['status'],
  reason: string,
  message: string,
  now: Date,
): Condition[] {
  const previous = conditions.find((c) => c.type === type);
  const next: Condition = {
    type,
    status,
    reason,
    message,
    lastTransitionTime: previous && previous.status === status ? previous.lastTransitionTime : now.toISOString(),
  };
  return sortConditions([...conditions.filter((c) => c.type !== type), next]);
}

/** Removes a condition (Reconciling and Stalled are present only while true). */
export function removeCondition(conditions: readonly Condition[], type: ConditionType): Condition[] {
  return conditions.filter((c) => c.type !== type);
}

const ORDER: ConditionType[] = ['Ready', 'Reconciling', 'Stalled'];

function sortConditions(conditions: Condition[]): Condition[] {
  return conditions.sort((a, b) => ORDER.indexOf(a.type) - ORDER.indexOf(b.type));
}
