import { namesWorkload } from '../api/kinds.js';
import { formatProblem } from '../api/problem.js';
import type { ControllerState } from '../api/state-types.js';
import type { SpecOnDisk } from '../app-spec-on-disk.js';
import { Reason } from '../reconcile/reasons.js';

/** Where one waited-for workload stands. `failed` ends the wait at once. */
export interface Verdict {
  id: string;
  kind: 'ready' | 'waiting' | 'failed';
  message: string;
  /** `file:line:col: message` lines that explain a failure. */
  problems?: string[];
}

/** Where the state file and the manifests are, for messages. */
export interface WaitPlaces {
  manifests: string;
  stateFile: string;
}

/**
 * NAME (a name or an id) is ready when the state file records, as applied, the spec
 * hash of its manifest on disk now, and says Ready at that generation. A status about
 * another spec says nothing about this one: waiting goes on, even if it says Failed.
 * Failed, a rollout rolled back or a crash loop at this spec end the wait at once.
 */
export function judge(name: string, spec: SpecOnDisk, state: ControllerState | undefined, places: WaitPlaces): Verdict {
  const { load } = spec;
  if (load.unreadable !== undefined)
    return { id: name, kind: 'failed', message: `cannot read the manifests: ${load.unreadable}` };
  const workload = load.workloads.find((w) => namesWorkload(name, w.id));
  if (!workload) return notLoaded(name, spec, state, places);
  const { id } = workload;
  const hash = spec.hashOf(workload);
  const notApplied = (why: string): Verdict => ({
    id,
    kind: 'waiting',
    message: `spec on disk (hash ${hash}) not applied yet: ${why}`,
  });
  if (!state) return notApplied(`no state file at ${places.stateFile}`);
  const status = state.workloads[id];
  if (!status) return notApplied('not in the state file');
  if (status.specHash !== hash) return notApplied(`state has ${status.specHash || 'no hash'}`);
  if (status.phase === 'Ready' && status.observedGeneration === status.generation) {
    const revision = status.lastAppliedRevision ? ` (revision ${status.lastAppliedRevision.slice(0, 12)})` : '';
    return { id, kind: 'ready', message: `Ready at generation ${status.generation}${revision}` };
  }
  const ready = status.conditions.find((c) => c.type === 'Ready');
  const stuck = status.phase === 'Failed' || GIVEN_UP.has(ready?.reason ?? '');
  return {
    id,
    kind: stuck ? 'failed' : 'waiting',
    message: `spec ${hash} applied, not Ready: ${status.phase}: ${ready?.message ?? ''}`,
  };
}

/** Reasons after which the controller leaves this spec alone until it changes: waiting longer cannot end Ready. */
const GIVEN_UP = new Set<string>([Reason.RolloutFailed, Reason.CrashLoop]);

/**
 * NAME is not among the valid workloads: invalid now (its document, or the file the
 * state says it came from, has problems), or not in the manifests at all.
 */
function notLoaded(name: string, spec: SpecOnDisk, state: ControllerState | undefined, places: WaitPlaces): Verdict {
  const { load } = spec;
  const problems = load.problems.map(formatProblem);
  const invalid =
    load.invalidIds.find((id) => namesWorkload(name, id)) ??
    Object.entries(state?.workloads ?? {}).find(
      ([id, w]) => namesWorkload(name, id) && load.invalidFiles.includes(w.source.file),
    )?.[0];
  if (invalid !== undefined) return { id: invalid, kind: 'failed', message: 'manifest invalid', problems };
  if (problems.length > 0)
    return {
      id: name,
      kind: 'failed',
      message: `not among the workloads that load from ${places.manifests} (some manifests have problems)`,
      problems,
    };
  return { id: name, kind: 'failed', message: `no such workload in ${places.manifests}` };
}
