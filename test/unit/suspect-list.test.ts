import { describe, expect, it } from 'vitest';
import type { ObservedContainer } from '../../src/api/observed-container.js';
import type { ContainerRow, RowState, WorkloadStatus } from '../../src/api/state-types.js';
import { suspectList } from '../../src/reconcile/suspect-list.js';

function row(containerId: string | null, state: RowState): ContainerRow {
  return { containerId, state } as ContainerRow;
}

function workloads(...rows: ContainerRow[][]): Record<string, WorkloadStatus> {
  return Object.fromEntries(rows.map((containers, i) => [`image/w${i}`, { containers } as WorkloadStatus]));
}

function listed(...ids: string[]): ObservedContainer[] {
  return ids.map((id) => ({ id }) as ObservedContainer);
}

describe('a list that shows none of the owned containers the state knew', () => {
  it('is suspect when every known container is gone, however many there were', () => {
    const known = workloads([row('a', 'running'), row('b', 'stopped')], [row('c', 'running')]);
    expect(suspectList(known, [])).toEqual({ suspect: true, known: 3 });
    // Containers the state never knew (another engine's, or new ones) do not make it less suspect.
    expect(suspectList(known, listed('x', 'y'))).toEqual({ suspect: true, known: 3 });
  });

  it('is not suspect when one of them is still listed: a partial disappearance is ordinary drift', () => {
    const known = workloads([row('a', 'running'), row('b', 'running')], [row('c', 'running')]);
    expect(suspectList(known, listed('c'))).toEqual({ suspect: false, known: 3 });
  });

  it('is not suspect when the state knew none: a first run, or only placeholders and missing rows', () => {
    expect(suspectList({}, [])).toEqual({ suspect: false, known: 0 });
    const unseen = workloads([row(null, 'starting'), row('gone', 'missing'), row('late', 'starting')]);
    expect(suspectList(unseen, [])).toEqual({ suspect: false, known: 0 });
  });
});
