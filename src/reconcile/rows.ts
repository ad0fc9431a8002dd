import type { Kind } from '../api/kinds.js';
import type { ContainerRow } from '../api/state-types.js';
import type { Classified } from './classify.js';
import type { DesiredContainer } from './desired.js';
import { emptyRow } from './observe.js';

/** The row the deploy path writes for a container it deploys: the route's domain, and a Project's stage, slot and tag. */
export function placedRow(desired: DesiredContainer, now: Date): ContainerRow {
  const { rollout } = desired;
  return {
    ...emptyRow(desired.rowId, desired.role, desired.replica),
    name: desired.name,
    image: desired.spec.image,
    domain: desired.spec.domain,
    placedAt: now.toISOString(),
    ...(rollout ? { stage: rollout.stage, slot: desired.slot, imageTag: rollout.tag } : {}),
  };
}

/**
 * The rows with what the deploy path placed this pass. It writes what it deployed,
 * absence (null) included: a field removed from the manifest is cleared, and so is the
 * route, which went to the container this one replaces (the route is set again once
 * the new one runs). Only the restart count carries over.
 */
export function mergePlaced(rows: readonly ContainerRow[], placed: readonly ContainerRow[]): ContainerRow[] {
  const byId = new Map(rows.map((r) => [r.id, r]));
  for (const row of placed) {
    const before = byId.get(row.id);
    if (!before) {
      byId.set(row.id, row);
      continue;
    }
    const merged: ContainerRow = { ...row, restarts: before.restarts };
    // A placeholder placed again (its create failed) keeps its first time, so it can expire.
    if (row.containerId === null && before.containerId === null && before.placedAt !== undefined)
      merged.placedAt = before.placedAt;
    byId.set(row.id, merged);
  }
  return [...byId.values()];
}

/** The rows as they stand, unobserved: for known workloads, copied and in row order, none swept. */
export function unobserved(
  rows: ReadonlyMap<string, readonly ContainerRow[]>,
  known: ReadonlyMap<string, Kind>,
): Map<string, ContainerRow[]> {
  const result = new Map<string, ContainerRow[]>();
  for (const [id, list] of rows)
    if (known.has(id))
      result.set(
        id,
        list.map((row) => ({ ...row })).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
      );
  return result;
}

/** What a snapshot held, less the containers removed since. */
export function withoutRemoved(classified: Classified, removed: ReadonlySet<string>): Classified {
  if (removed.size === 0) return classified;
  const owned = new Map(
    [...classified.owned].map(([id, list]) => [id, list.filter((o) => !removed.has(o.container.id))] as const),
  );
  return { owned: new Map([...owned].filter(([, list]) => list.length > 0)), foreign: classified.foreign };
}
