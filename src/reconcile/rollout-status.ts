import { roleKey } from './backend.js';
import type { WorkloadStatus } from '../api/state-types.js';
import type { DesiredContainer } from './desired.js';
import { passEvent } from './pass-input.js';
import type { PassInput } from './pass-input.js';
import type { ProjectPlan } from './project-plan.js';
import { Reason } from './reasons.js';
import type { RoleRollout } from './backend.js';
import { roleRecords } from './self-rollout.js';
import type { RoleRecords } from './self-rollout.js';

/** What a workload's rollouts tell its status: its records, why one failed, which are under way. */
export interface RolloutsSay {
  records: RoleRecords | undefined;
  /** `stage: why` of each rollout that failed at the wanted spec; null when none did. */
  failed: string | null;
  /** `stage: what` of each rollout under way; null when none is. */
  rolling: string | null;
}

/** A Project's blue-green rollouts, planned by the pass. */
export function projectSays(project: ProjectPlan, error: boolean): RolloutsSay {
  return {
    records: project.rollouts,
    failed: project.failed.length > 0 ? project.failed.join('; ') : null,
    rolling:
      project.rolling.length > 0 && !error
        ? project.rolling.map((stage) => `${stage}: ${project.rollouts[stage]?.message}`).join('; ')
        : null,
  };
}

/** What a workload's rollouts on a backend that rolls out by itself are, once the pass acted. */
export interface SelfRolloutsAfter {
  id: string;
  wanted: readonly DesiredContainer[];
  /** The records as the first read showed them. */
  records: RoleRecords | undefined;
  /** What was deployed: a held role the spec it keeps. */
  deployed: readonly DesiredContainer[];
  /** The roles (`<workload id>:<role>`) the backend sent a spec to. */
  sent: ReadonlySet<string>;
  /** What the backend says of each role now (nothing, when the read after acting failed). */
  seen: ReadonlyMap<string, RoleRollout>;
  error: boolean;
}

export function selfRolloutsAfter(after: SelfRolloutsAfter): RolloutsSay {
  const { id, wanted } = after;
  // A role sent its wanted spec; a held one was sent the spec it keeps, which is no rollout.
  const as = new Map(after.deployed.map((d) => [d.role, d.hash]));
  const updated = new Set(
    wanted.filter((d) => after.sent.has(roleKey(id, d.role)) && as.get(d.role) === d.hash).map((d) => d.role),
  );
  return selfSays(roleRecords(wanted, after.records, after.seen, updated), wanted, after.error);
}

/** The rollouts a backend made by itself: a Failed record counts while the role still wants the spec it names. */
function selfSays(records: RoleRecords, wanted: readonly DesiredContainer[], error: boolean): RolloutsSay {
  const hashes = new Map(wanted.map((d) => [d.role, d.hash]));
  const entries = Object.entries(records);
  const failed = entries.filter(([role, r]) => r.phase === 'Failed' && r.failedSpecHash === hashes.get(role));
  const rolling = entries.filter(([, r]) => r.phase === 'Progressing');
  const said = (list: typeof entries) =>
    list.length > 0 ? list.map(([role, r]) => `${role}: ${r.message}`).join('; ') : null;
  return {
    records: entries.length > 0 ? records : undefined,
    failed: said(failed),
    rolling: error ? null : said(rolling),
  };
}

/** A reconciled workload's rollout records are this pass's; others keep theirs. A rollout done is an event. */
export function recordRollouts(
  id: string,
  status: WorkloadStatus,
  before: WorkloadStatus | undefined,
  reconciled: boolean,
  rollouts: RolloutsSay | undefined,
  input: PassInput,
): void {
  if (!rollouts) {
    if (before?.rollouts && !reconciled) status.rollouts = before.rollouts;
    return;
  }
  if (!rollouts.records) return;
  status.rollouts = rollouts.records;
  for (const [stage, rollout] of Object.entries(rollouts.records))
    if (rollout.phase === 'Complete' && before?.rollouts?.[stage]?.phase === 'Progressing')
      passEvent(input, 'Normal', id, Reason.RolledOut, `${stage}: ${rollout.message}`);
}
