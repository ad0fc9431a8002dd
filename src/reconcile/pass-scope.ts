import type { ObservedContainer } from '../api/observed-container.js';
import type { ControllerState } from '../api/state-types.js';
import type { Workload } from '../api/workload.js';
import { classify } from './classify.js';
import type { Classified } from './classify.js';
import { cachedDesired, sweepDesired } from './desired-cache.js';
import type { DesiredContainer } from './desired.js';
import type { PassInput } from './pass-input.js';
import { suspension } from './is-suspended.js';
import { pruneRefusalReason } from './prune-refusal.js';

/** Which workloads a pass converges, keeps as they are, or prunes, decided once from the manifests and one read. */
export interface PassScope {
  /** Whether the pass rebuilds this workload's status (a scoped pass names a few; a full one all). */
  inScope: (id: string) => boolean;
  /** The valid workloads of the manifest directory, by id. */
  valid: ReadonlyMap<string, Workload>;
  /** Invalid now, or last loaded from a file that is broken now: their containers stay untouched. */
  protectedIds: ReadonlySet<string>;
  /** The snapshot, split into owned containers by workload and foreign ones. */
  classified: Classified;
  /** The desired containers of the workloads this pass converges (in scope, valid, not suspended). */
  desired: ReadonlyMap<string, DesiredContainer[]>;
  /** Workloads no manifest declares any more that left containers or a route behind. */
  orphans: readonly string[];
  /** The orphans pruned now: all of them, or none when pruning is refused. */
  prune: ReadonlySet<string>;
  /** Why pruning is refused, or null. */
  pruneRefusal: string | null;
}

export function scopeOf(input: PassInput, snapshot: readonly ObservedContainer[]): PassScope {
  const { previous, view, deps, options } = input;
  const inScope = (id: string) => options.scope === undefined || options.scope.has(id);
  const valid = new Map(view.workloads.filter((w) => !heldBack(w, previous, view)).map((w) => [w.id, w]));
  const protectedIds = protectedWorkloads(previous, valid, view);
  const known = new Set([...valid.keys(), ...protectedIds, ...Object.keys(previous.workloads)]);
  const classified = classify(snapshot, deps.controller, deps.key, known);
  const desired = new Map<string, DesiredContainer[]>();
  for (const workload of view.workloads) {
    if (!inScope(workload.id) || protectedIds.has(workload.id) || suspension(workload, previous) !== null) continue;
    desired.set(workload.id, cachedDesired(workload, deps));
  }
  // Whatever the scope, every loaded workload keeps its entry; those of workloads gone are dropped.
  sweepDesired(deps.controller, view.workloads);
  // Prune by set difference, unless the directory gives no grounds to (docs/guarantees.md #3).
  // What a deleted manifest leaves behind: containers, or a route whose containers vanished before.
  const gone = (id: string) => inScope(id) && !valid.has(id) && !protectedIds.has(id);
  const routed = Object.keys(previous.workloads).filter(
    (id) => gone(id) && previous.workloads[id]!.containers.some((r) => r.routeId !== null),
  );
  const orphans = [...new Set([...[...classified.owned.keys()].filter(gone), ...routed])].sort();
  const pruneRefusal = pruneRefusalReason(view, options.allowEmpty, orphans, previous);
  const prune = new Set(pruneRefusal === null ? orphans : []);
  return { inScope, valid, protectedIds, classified, desired, orphans, prune, pruneRefusal };
}

/**
 * A workload that already runs, loaded from a file that has a problem elsewhere: a stray
 * `---` or `...` that cut its document short, a half-written save. Its last good spec
 * stays until the whole file is valid (docs/guarantees.md #2); a new one is created.
 */
function heldBack(workload: Workload, previous: ControllerState, view: PassInput['view']): boolean {
  return previous.workloads[workload.id] !== undefined && view.invalidFiles.includes(workload.source.file);
}

/** Invalid workloads, and those last loaded from a file that is broken now: they keep their containers, untouched. */
function protectedWorkloads(
  previous: ControllerState,
  valid: ReadonlyMap<string, Workload>,
  view: PassInput['view'],
): Set<string> {
  if (view.invalidFiles.length === 0) return new Set(view.invalidIds);
  const invalidFiles = new Set(view.invalidFiles);
  const keptFromBrokenFiles = Object.entries(previous.workloads)
    .filter(([id, w]) => !valid.has(id) && invalidFiles.has(w.source.file))
    .map(([id]) => id);
  const heldBackIds = view.workloads.filter((w) => !valid.has(w.id)).map((w) => w.id);
  return new Set([...view.invalidIds, ...keptFromBrokenFiles, ...heldBackIds]);
}
