import type { DesiredContainer, Slot } from './desired.js';
import { rowIdOf } from './ownership.js';

/** A Project stage's two slots; an empty stage starts in the first. */
export const SLOTS: readonly Slot[] = ['blue', 'green'];

export function otherSlot(slot: Slot): Slot {
  return slot === 'blue' ? 'green' : 'blue';
}

/** A stage's container placed in a slot: its row id says which. */
export function placeInSlot(d: DesiredContainer, slot: Slot): DesiredContainer {
  return { ...d, slot, rowId: rowIdOf({ workloadId: d.workloadId, role: d.role, replica: d.replica, slot }) };
}

/** All of a stage's wanted containers placed in one slot. */
export function inTarget(wanted: readonly DesiredContainer[], slot: Slot): DesiredContainer[] {
  return wanted.map((d) => placeInSlot(d, slot));
}
