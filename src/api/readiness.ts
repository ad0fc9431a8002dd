import type { ContainerRow } from './state-types.js';

/** A container that serves: running, and healthy when it has a healthcheck (a row without one has no health). */
function isReady(row: ContainerRow): boolean {
  return row.state === 'running' && (row.health === null || row.health === 'healthy');
}

/** How many of a workload's containers serve: `status`'s READY and the status page's ready count. */
export function readyCount(rows: readonly ContainerRow[]): number {
  return rows.filter(isReady).length;
}
