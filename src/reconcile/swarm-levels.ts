import { splitRoleKey } from './backend.js';
import type { DesiredContainer } from './desired.js';

/**
 * A plan's workload roles (`<workload id>:<role>` keys) in the order their services are
 * acted on: per workload, batches by start level (`dependsOn`: every service of level 0
 * before any of level 1), each batch acted on at once. A role with nothing desired (a
 * removal) goes first: its level is no longer known.
 */
export function levelBatches(
  roleKeys: Iterable<string>,
  target: ReadonlyMap<string, readonly DesiredContainer[]>,
): Map<string, string[][]> {
  const byWorkload = new Map<string, Map<number, string[]>>();
  for (const key of roleKeys) {
    const { workloadId, role } = splitRoleKey(key);
    const level = (target.get(workloadId) ?? []).find((d) => d.role === role)?.level ?? -1;
    const levels = byWorkload.get(workloadId) ?? new Map<number, string[]>();
    levels.set(level, [...(levels.get(level) ?? []), key]);
    byWorkload.set(workloadId, levels);
  }
  return new Map(
    [...byWorkload].map(([id, levels]) => [id, [...levels].sort(([a], [b]) => a - b).map(([, keys]) => keys)]),
  );
}
