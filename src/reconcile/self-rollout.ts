import { roleKey } from './backend.js';
import type { StageRolloutStatus } from '../api/state-types.js';
import type { ControllerState } from '../api/state-types.js';
import type { RoleRollout } from './backend.js';
import type { OwnedContainer } from './classify.js';
import type { ContainerSpec } from './container-spec.js';
import type { DesiredContainer } from './desired.js';
import type { Lookup } from './lazy.js';

/** A workload's rollout records, by role (a Project's stage). */
export type RoleRecords = Record<string, StageRolloutStatus>;

/** What a pass plans with on a backend that rolls out by itself. */
export interface SelfRolloutPlan {
  /** Each workload's records as the first read shows them. */
  records: Map<string, RoleRecords>;
  /**
   * What the pass deploys: a role whose wanted spec was rolled back keeps the spec it
   * runs (its replicas, a service removed or changed by hand, are still set right); a role
   * the backend is rolling out now is left out, with its containers.
   */
  desired: ReadonlyMap<string, readonly DesiredContainer[]>;
  owned: ReadonlyMap<string, readonly OwnedContainer[]>;
}

/** The records before acting, and what is left to plan once the held roles are left to the backend. */
export function planSelfRollouts(
  previous: ControllerState,
  desired: ReadonlyMap<string, readonly DesiredContainer[]>,
  owned: ReadonlyMap<string, readonly OwnedContainer[]>,
  seen: ReadonlyMap<string, RoleRollout>,
  specs: Lookup<string, ContainerSpec>,
): SelfRolloutPlan {
  const records = new Map<string, RoleRecords>();
  const planned = new Map<string, readonly DesiredContainer[]>();
  const kept = new Map(owned);
  for (const [id, list] of desired) {
    const workloadRecords = roleRecords(list, previous.workloads[id]?.rollouts, seen);
    if (Object.keys(workloadRecords).length > 0) records.set(id, workloadRecords);
    const held = heldRoles(list, workloadRecords, seen);
    if (held.size === 0) {
      planned.set(id, list);
      continue;
    }
    const deployed = list.flatMap((d) => deployedAs(d, held.get(d.role), specs));
    planned.set(id, deployed);
    const left = new Set(list.filter((d) => !deployed.some((e) => e.role === d.role)).map((d) => d.role));
    if (left.size > 0)
      kept.set(
        id,
        (owned.get(id) ?? []).filter((o) => !left.has(o.identity.role)),
      );
  }
  return { records, desired: planned, owned: kept };
}

/** A desired container as the pass deploys it: as wanted, at the spec its role runs (held at it), or not at all. */
function deployedAs(
  d: DesiredContainer,
  hold: Hold | undefined,
  specs: Lookup<string, ContainerSpec>,
): DesiredContainer[] {
  if (hold === undefined) return [d];
  if (hold.runs === null) return [];
  const spec = specs.get(hold.runs);
  return spec ? [{ ...d, hash: hold.runs, spec }] : [];
}

/** Why a role is held: the spec it runs and keeps (a rolled-back one), or null (the backend is rolling it out: leave it be). */
export interface Hold {
  runs: string | null;
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
    const record = nextRecord(before?.[d.role], d, seen.get(roleKey(d.workloadId, d.role)), updated.has(d.role));
    if (record) records[d.role] = record;
  }
  return records;
}

/**
 * Roles whose wanted spec the pass does not send: it was rolled back (not sent again
 * until it changes; the role keeps the spec it runs, when the backend still has the role),
 * or the backend is rolling it out now.
 */
export function heldRoles(
  desired: readonly DesiredContainer[],
  records: RoleRecords,
  seen: ReadonlyMap<string, RoleRollout>,
): Map<string, Hold> {
  const held = new Map<string, Hold>();
  for (const d of desired) {
    const record = records[d.role];
    const now = seen.get(roleKey(d.workloadId, d.role));
    if (record?.phase === 'Failed' && record.failedSpecHash === d.hash) {
      // Removed by hand: nothing runs that could be kept, so the manifest's spec is deployed again.
      if (now !== undefined) held.set(d.role, { runs: now.deployedHash });
    } else if (now?.busy && !now.rolledBack && now.specHash === d.hash) held.set(d.role, { runs: null });
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
  // Running the wanted spec settles it, whatever was recorded before (it was deployed again, or by hand).
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
