import type { OwnedContainer } from './classify.js';
import { DEFAULT_HEALTH_TIMEOUT_MS } from './desired.js';
import type { DesiredContainer } from './desired.js';

/** Tasks Swarm could not place (DESIGN.md section 7): how many, its words on the oldest, and whether it waited too long. */
export interface Unplaced {
  count: number;
  /** Swarm's own message, e.g. `no suitable node (2 nodes not available for new tasks)`. */
  message: string;
  /** The oldest has waited `healthTimeout` or longer: the workload is Degraded, no longer Progressing. */
  overdue: boolean;
  timeoutMs: number;
}

/**
 * A workload's tasks that wait for a node, or null when none does. Stateless: a task's
 * own creation time says how long it has waited, measured against the workload's
 * `healthTimeout` (the default when its kind has none).
 */
export function unplacedTasks(
  owned: readonly OwnedContainer[],
  wanted: readonly DesiredContainer[],
  now: Date,
): Unplaced | null {
  const waiting = owned.map((o) => o.container).filter((c) => c.unplaced !== undefined);
  if (waiting.length === 0) return null;
  const oldest = waiting.reduce((a, b) => (b.created < a.created ? b : a));
  const timeoutMs = wanted.find((d) => d.rollout)?.rollout?.healthTimeoutMs ?? DEFAULT_HEALTH_TIMEOUT_MS;
  const overdue = now.getTime() - oldest.created * 1000 >= timeoutMs;
  return { count: waiting.length, message: oldest.unplaced!, overdue, timeoutMs };
}
