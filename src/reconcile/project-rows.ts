import { Label } from '../api/labels.js';
import type { ContainerRow } from '../api/state-types.js';
import type { OwnedContainer } from './classify.js';
import type { DesiredContainer } from './desired.js';
import { emptyRow } from './observe.js';
import { rowIdOf } from './ownership.js';

/**
 * A Project container without a row (its state file was lost, or its row was removed by
 * hand) gets one from what its labels and the stage say: only the deploy path writes
 * Project rows, and this is it. A row whose container runs a stage's spec names its tag.
 */
export function withProjectRows(
  rows: readonly ContainerRow[],
  owned: readonly OwnedContainer[],
  target: readonly DesiredContainer[],
  /** Rows are kept across updates (a Swarm task slot): each names the tag its container runs now. */
  slotsKept = false,
): ContainerRow[] {
  const out = [...rows];
  for (const { container, identity } of owned) {
    const rowId = rowIdOf(identity);
    const stage = target.find((d) => d.role === identity.role && d.hash === identity.specHash);
    const index = out.findIndex((r) => r.id === rowId);
    if (index >= 0) {
      const tag = slotsKept ? (stage?.rollout?.tag ?? tagOf(container.image)) : null;
      if (tag !== null && out[index]!.imageTag !== tag) out[index] = { ...out[index]!, imageTag: tag };
      continue;
    }
    const port = Number(container.labels[Label.port]);
    out.push({
      ...emptyRow(rowId, identity.role, identity.replica),
      containerId: container.id,
      stage: identity.role,
      slot: identity.slot === 'blue' || identity.slot === 'green' ? identity.slot : null,
      imageTag: stage?.rollout?.tag ?? tagOf(container.image),
      domain: stage?.spec.domain ?? null,
      ports: Number.isInteger(port) ? [port] : [],
    });
  }
  return out;
}

/** The tag of an image reference (`shop:2` -> `2`), null without one. */
function tagOf(image: string): string | null {
  return /:([^:/]+)$/.exec(image)?.[1] ?? null;
}
