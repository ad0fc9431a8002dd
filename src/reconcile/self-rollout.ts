import type { StageRolloutStatus } from '../api/state-types.js';
import type { ControllerState } from '../api/state-types.js';
import type { RoleRollout } from './backend.js';
import type { OwnedContainer } from './classify.js';
import type { DesiredContainer } from './desired.js';
import type { Action } from './plan.js';

/** A workload's rollout records, by role (a Project's stage). */
export type RoleRecords = Record<string, StageRolloutStatus>;

/** What a pass plans with on a backend that rolls out by itself. */
export interface SelfRolloutPlan {
  /** Each workload's records as the first read shows them. */
  records: Map<string, RoleRecords>;
  /** The desired and owned containers of the roles the pass plans: held roles left out of both. */
  desired: ReadonlyMap<string, readonly DesiredContainer[]>;
  owned: ReadonlyMap<string, readonly OwnedContainer[]>;
}

/** The records before acting, and what is left to plan once the held roles are left to the backend. */
export function planSelfRollouts(
  previous: ControllerState,
  desired: ReadonlyMap<string, readonly DesiredContainer[]>,
  owned: ReadonlyMap<string, readonly OwnedContainer[]>,
  seen: ReadonlyMap<string, RoleRollout>,
): SelfRolloutPlan {
  const records = new Map<string, RoleRecords>();
  const planned = new Map<string, readonly DesiredContainer[]>();
  const kept = new Map(owned);
  for (const [id, list] of desired) {
    const workloadRecords = roleRecords(list, previous.workloads[id]?.rollouts, seen);
    if (Object.keys(workloadRecords).length > 0) records.set(id, workloadRecords);
    const held = heldRoles(list, workloadRecords, seen);
    planned.set(id, held.size === 0 ? list : list.filter((d) => !held.has(d.role)));
    if (held.size > 0)
      kept.set(
        id,
        (owned.get(id) ?? []).filter((o) => !held.has(o.identity.role)),
      );
  }
  return { records, desired: planned, owned: kept };
}

/**
 * Each role's rollout record on a backend that rolls out by itself (DESIGN.md section 7),
 * from the last record and what the backend says now. `updated` names the roles this
 * pass sent their wanted spec to. The backend forgets a spec it rolled back (the role
 * runs the old one again): the Failed record remembers it, so that it is not sent again
 * until the manifest changes.
 */
export function roleRecords(
  desired: readonly DesiredContainer[],
  before: RoleRecords | undefined,
  seen: ReadonlyMap<string, RoleRollout>,
  updated: ReadonlySet<string> = new Set(),
): RoleRecords {
  const records: RoleRecords = {};
  for (const d of desired) {
    if (records[d.role]) continue;
    const record = nextRecord(before?.[d.role], d, seen.get(`${d.workloadId}:${d.role}`), updated.has(d.role));
    if (record) records[d.role] = record;
  }
  return records;
}

/**
 * Roles the pass leaves to the backend: their wanted spec was rolled back (not sent again
 * until it changes), or the backend is rolling it out now.
 */
export function heldRoles(
  desired: readonly DesiredContainer[],
  records: RoleRecords,
  seen: ReadonlyMap<string, RoleRollout>,
): Set<string> {
  const held = new Set<string>();
  for (const d of desired) {
    const record = records[d.role];
    const rolling = seen.get(`${d.workloadId}:${d.role}`);
    if (record?.phase === 'Failed' && record.failedSpecHash === d.hash) held.add(d.role);
    else if (rolling?.busy && !rolling.rolledBack && rolling.specHash === d.hash) held.add(d.role);
  }
  return held;
}

/** Progressing from the update until the backend runs that spec, done (Complete) or rolled back (Failed). */
function nextRecord(
  before: StageRolloutStatus | undefined,
  d: DesiredContainer,
  seen: RoleRollout | undefined,
  updated: boolean,
): StageRolloutStatus | undefined {
  // The wanted spec is under way when this pass sent it, or when the backend is rolling it
  // out already (sent by a run that did not live to record it).
  const sending = updated || (seen?.busy && !seen.rolledBack && seen.specHash === d.hash);
  const attempt = sending ? d.hash : before?.phase === 'Progressing' ? before.specHash : null;
  const name = (hash: string) => (hash === d.hash && d.rollout ? d.rollout.tag : hash.slice(0, 8));
  if (attempt !== null) {
    if (seen?.rolledBack && seen.specHash !== attempt)
      return record('Failed', attempt, `rolled back: ${seen.message ?? 'the update failed'}`, attempt);
    if (seen?.specHash === attempt && !seen.busy) return record('Complete', attempt, `running ${name(attempt)}`);
    return record('Progressing', attempt, `rolling out ${name(attempt)}`);
  }
  if (before?.phase === 'Failed' && before.failedSpecHash === d.hash) return before;
  if (seen?.specHash === d.hash && !seen.busy) return record('Complete', d.hash, `running ${name(d.hash)}`);
  return before;
}

function record(
  phase: StageRolloutStatus['phase'],
  specHash: string,
  message: string,
  failedSpecHash: string | null = null,
): StageRolloutStatus {
  return { phase, serving: null, next: null, specHash, failedSpecHash, message };
}

/** The roles a plan's actions change on the backend for this workload (a start of a task is not a change of spec). */
export function updatedRoles(actions: readonly Action[], workloadId: string): Set<string> {
  const roles = new Set<string>();
  for (const a of actions) {
    if (a.workloadId !== workloadId) continue;
    if (a.type === 'create' || a.type === 'recreate') roles.add(a.desired.role);
    else if (a.type === 'remove') roles.add(a.rowId.slice(workloadId.length + 1).split(':')[0]!);
  }
  return roles;
}
