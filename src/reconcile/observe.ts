import type { Kind } from '../api/kinds.js';
import type { DockerState, ObservedContainer } from '../api/observed-container.js';
import type { ContainerRow, RowState } from '../api/state-types.js';
import { Label } from '../api/labels.js';
import type { OwnedContainer } from './classify.js';
import { rowIdOf } from './ownership.js';
import { Reason } from './reasons.js';

/** A placeholder that has not turned into a container after this long is given up. */
export const PLACEHOLDER_TTL_MS = 5 * 60_000;

export interface ObserveInput {
  /** The rows of the state file, by workload id. */
  rows: ReadonlyMap<string, readonly ContainerRow[]>;
  /** The owned containers of this snapshot, by workload id. */
  owned: ReadonlyMap<string, readonly OwnedContainer[]>;
  /** The workloads the manifests declare now, with their kind. */
  known: ReadonlyMap<string, Kind>;
  now: Date;
}

/**
 * The observe pass: the rows of the state file brought up to date from one snapshot,
 * with the predecessor's semantics kept:
 * - rows are upserted only for containers of known workloads (a label naming an unknown
 *   workload gets no row), and Project rows are never invented (only the deployer
 *   writes them);
 * - a row whose container is gone becomes `missing`, but a placeholder (`starting`, no
 *   container id yet) keeps its state until it expires (`CreateNeverObserved`);
 * - Docker's `exited` and `dead` read `stopped`;
 * - deployer-owned fields (`stage`, `slot`, `imageTag`, `domain`, `routeId`) are never
 *   touched here.
 * Callers must not call it when the list failed: then nothing is swept.
 */
export function observeRows(input: ObserveInput): Map<string, ContainerRow[]> {
  const result = new Map<string, ContainerRow[]>();
  const ids = new Set([...input.rows.keys(), ...input.owned.keys()]);
  for (const workloadId of [...ids].sort()) {
    const kind = input.known.get(workloadId);
    if (kind === undefined) continue;
    const rows = (input.rows.get(workloadId) ?? []).map((row) => ({ ...row }));
    const byRow = newestPerRow(input.owned.get(workloadId) ?? []);
    const seen = new Set<string>();
    for (const [rowId, { container, identity }] of byRow) {
      let row = rows.find((r) => r.id === rowId);
      if (!row) {
        if (kind === 'Project') continue;
        row = emptyRow(rowId, identity.role, identity.replica);
        rows.push(row);
      }
      const state = normalizeState(container.state);
      const wasRunning = row.state === 'running' && row.containerId === container.id;
      row.containerId = container.id;
      row.name = container.name;
      row.state = state;
      row.health = container.health;
      row.image = container.image;
      row.ports = rowPorts(container);
      if (container.node !== undefined) row.node = container.node;
      if (state === 'running' && !wasRunning) row.startedAt = input.now.toISOString();
      delete row.placedAt;
      delete row.reason;
      seen.add(rowId);
    }
    for (const row of rows) {
      if (seen.has(row.id)) continue;
      if (row.state === 'starting' && row.containerId === null) {
        // A placeholder with no (readable) time, as older state files have, starts its wait now rather than never expiring.
        const placed = row.placedAt ? Date.parse(row.placedAt) : Number.NaN;
        if (Number.isNaN(placed)) row.placedAt = input.now.toISOString();
        if (!Number.isNaN(placed) && input.now.getTime() - placed >= PLACEHOLDER_TTL_MS) {
          row.state = 'missing';
          row.reason = Reason.CreateNeverObserved;
        }
        continue;
      }
      row.state = 'missing';
    }
    rows.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    result.set(workloadId, rows);
  }
  return result;
}

/** The host ports a row shows: those published, or a Project slot's own port on network host (which publishes nothing). */
export function rowPorts(container: ObservedContainer): number[] {
  return container.ports.length > 0 || container.labels[Label.port] === undefined
    ? container.ports
    : [Number(container.labels[Label.port])];
}

export function normalizeState(state: DockerState): RowState {
  return state === 'exited' || state === 'dead' ? 'stopped' : state;
}

export function emptyRow(id: string, role: string, replica: number): ContainerRow {
  return {
    id,
    containerId: null,
    name: '',
    role,
    replica,
    state: 'starting',
    health: null,
    image: '',
    imageTag: null,
    ports: [],
    stage: null,
    slot: null,
    domain: null,
    routeId: null,
    startedAt: null,
    restarts: 0,
  };
}

function newestPerRow(owned: readonly OwnedContainer[]): Map<string, OwnedContainer> {
  const byRow = new Map<string, OwnedContainer>();
  for (const item of owned) {
    const rowId = rowIdOf(item.identity);
    const held = byRow.get(rowId);
    if (!held || item.container.created > held.container.created) byRow.set(rowId, item);
  }
  return byRow;
}
