import type { ControllerState } from '../api/state-types.js';
import type { ManifestView } from './pass-input.js';

/**
 * Why the containers of workloads whose manifest is gone must not be pruned now, or null:
 * a directory that cannot be read or suddenly holds nothing, or a broken file that may
 * have declared them (docs/guarantees.md #3).
 */
export function pruneRefusalReason(
  view: ManifestView,
  allowEmpty: boolean,
  orphans: readonly string[],
  previous: ControllerState,
): string | null {
  if (orphans.length === 0) return null;
  if (view.unreadable !== undefined) return `the manifest directory cannot be read (${view.unreadable})`;
  if (view.fileCount === 0 && !allowEmpty)
    return 'the manifest directory holds no manifests (run with --allow-empty to prune everything)';
  // A broken file may have held these workloads: without the state file's word, keep them.
  const unknownOrigin = orphans.filter((id) => previous.workloads[id] === undefined);
  if (view.invalidFiles.length > 0 && unknownOrigin.length > 0)
    return `a manifest file is invalid and may have declared ${unknownOrigin.join(', ')}`;
  return null;
}
