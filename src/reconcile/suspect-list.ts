import type { ObservedContainer } from '../api/observed-container.js';
import type { WorkloadStatus } from '../api/state-types.js';

/**
 * How many owned containers the state file knew (rows with a container that was seen:
 * neither a placeholder nor missing), and whether a list that succeeded shows none of
 * them. Such a list is suspect: the engine may be another one, or its data root was
 * swapped; a partial disappearance is ordinary drift and is healed at once.
 */
export function suspectList(
  previous: Readonly<Record<string, WorkloadStatus>>,
  listed: readonly ObservedContainer[],
): { suspect: boolean; known: number } {
  const known = new Set<string>();
  for (const status of Object.values(previous))
    for (const row of status.containers)
      if (row.containerId !== null && row.state !== 'missing' && row.state !== 'starting') known.add(row.containerId);
  const anyListed = listed.some((c) => known.has(c.id));
  return { suspect: known.size > 0 && !anyListed, known: known.size };
}
