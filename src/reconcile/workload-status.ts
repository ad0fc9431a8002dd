import { SUSPEND_ANNOTATION } from '../api/annotations.js';
import type { Kind } from '../api/kinds.js';
import type { ContainerRow, Phase, WorkloadStatus } from '../api/state-types.js';
import type { OwnedContainer } from './classify.js';
import { rowIdOf } from './ownership.js';
import { removeCondition, setCondition } from './conditions.js';
import type { DesiredContainer } from './desired.js';
import { Reason } from './reasons.js';

export interface StatusInput {
  previous: WorkloadStatus | undefined;
  kind: Kind;
  name: string;
  source: { file: string; document: number };
  /** Hash of the whole desired spec; a new value raises `generation`. */
  specHash: string;
  desired: readonly DesiredContainer[];
  rows: ContainerRow[];
  owned: readonly OwnedContainer[];
  /** Why this workload is not converged, if an action failed or was blocked. */
  error: string | null;
  /** The manifest is invalid now: the last good spec keeps running. */
  invalid: string | null;
  suspended: boolean;
  crashLoop: boolean;
  /** Actions are still under way (the daemon will look again). */
  progressing: boolean;
  /** Project: why a stage's rollout failed (its old slot keeps serving). */
  rolloutFailed?: string | null;
  /** Project: which stages wait for a new slot to become healthy. */
  rollingOut?: string | null;
  now: Date;
  revision: string | null;
  /** Something was done for it this tick: `lastReconciledAt` moves. */
  reconciled: boolean;
}

/**
 * A workload's status, written once per tick on every path: replica counts, phase and
 * conditions derived from what was observed, generation bookkeeping, and the error.
 */
export function workloadStatus(input: StatusInput): WorkloadStatus {
  const { previous, now } = input;
  const generation = !previous
    ? 1
    : previous.specHash === input.specHash
      ? previous.generation
      : previous.generation + 1;
  const desiredHash = new Map(input.desired.map((d) => [d.rowId, d.hash]));
  const running = input.owned.filter((o) => o.container.state === 'running');
  const runningRows = new Set(running.map((o) => rowIdOf(o.identity)));
  const updatedRows = new Set(
    running.filter((o) => desiredHash.get(rowIdOf(o.identity)) === o.identity.specHash).map((o) => rowIdOf(o.identity)),
  );
  const replicas = {
    desired: input.desired.length,
    running: [...runningRows].filter((r) => desiredHash.has(r)).length,
    updated: updatedRows.size,
  };
  const converged = replicas.updated === replicas.desired && replicas.running === replicas.desired;

  let phase: Phase;
  let conditions = previous?.conditions ?? [];
  const message = `${replicas.updated}/${replicas.desired} running`;
  if (input.invalid !== null) {
    phase = 'Invalid';
    conditions = setCondition(
      conditions,
      'Ready',
      converged ? 'True' : 'False',
      Reason.ManifestInvalid,
      `manifest invalid, last good spec kept: ${input.invalid}`,
      now,
    );
    conditions = setCondition(conditions, 'Stalled', 'True', Reason.ManifestInvalid, input.invalid, now);
    conditions = removeCondition(conditions, 'Reconciling');
  } else if (input.suspended) {
    phase = 'Suspended';
    conditions = setCondition(
      conditions,
      'Ready',
      'Unknown',
      Reason.Suspended,
      `suspended by annotation ${SUSPEND_ANNOTATION}`,
      now,
    );
    conditions = removeCondition(removeCondition(conditions, 'Reconciling'), 'Stalled');
  } else if (input.error !== null || input.rolloutFailed) {
    // An action failed, or a rollout did (its old slot keeps serving): stalled until something changes.
    const [reason, why] =
      input.error !== null ? [Reason.ReconcileFailed, input.error] : [Reason.RolloutFailed, input.rolloutFailed!];
    phase = replicas.running === 0 && replicas.desired > 0 ? 'Failed' : 'Degraded';
    conditions = setCondition(conditions, 'Ready', 'False', reason, why, now);
    conditions = removeCondition(conditions, 'Reconciling');
    conditions = setCondition(conditions, 'Stalled', 'True', reason, why, now);
  } else if (input.crashLoop) {
    phase = 'Degraded';
    conditions = setCondition(
      conditions,
      'Ready',
      'False',
      Reason.CrashLoop,
      `restart budget used up (5 restarts in 5 minutes); ${message}`,
      now,
    );
    conditions = removeCondition(removeCondition(conditions, 'Reconciling'), 'Stalled');
  } else if (input.rollingOut) {
    phase = 'Progressing';
    conditions = setCondition(conditions, 'Ready', 'False', Reason.RollingOut, input.rollingOut, now);
    conditions = setCondition(conditions, 'Reconciling', 'True', Reason.RollingOut, input.rollingOut, now);
    conditions = removeCondition(conditions, 'Stalled');
  } else if (converged) {
    phase = 'Ready';
    conditions = setCondition(conditions, 'Ready', 'True', Reason.AllReplicasRunning, message, now);
    conditions = removeCondition(removeCondition(conditions, 'Reconciling'), 'Stalled');
  } else if (input.progressing) {
    phase = 'Progressing';
    conditions = setCondition(conditions, 'Ready', 'False', Reason.Progressing, message, now);
    conditions = setCondition(conditions, 'Reconciling', 'True', Reason.Progressing, message, now);
    conditions = removeCondition(conditions, 'Stalled');
  } else {
    phase = 'Degraded';
    conditions = setCondition(
      conditions,
      'Ready',
      'False',
      Reason.ReplicasNotRunning,
      notRunningMessage(input.rows, desiredHash, message),
      now,
    );
    conditions = removeCondition(removeCondition(conditions, 'Reconciling'), 'Stalled');
  }

  const ready = phase === 'Ready';
  return {
    kind: input.kind,
    name: input.name,
    createdAt: previous?.createdAt ?? now.toISOString(),
    source: input.source,
    generation,
    observedGeneration: ready ? generation : (previous?.observedGeneration ?? 0),
    specHash: input.specHash,
    phase,
    conditions,
    replicas,
    containers: input.rows,
    lastError: input.error,
    lastReconciledAt: input.reconciled ? now.toISOString() : (previous?.lastReconciledAt ?? null),
    lastAppliedRevision: ready ? input.revision : (previous?.lastAppliedRevision ?? null),
  };
}

function notRunningMessage(
  rows: readonly ContainerRow[],
  desired: ReadonlyMap<string, string>,
  summary: string,
): string {
  const down = rows
    .filter((r) => desired.has(r.id) && r.state !== 'running')
    .map((r) => `${r.name || r.id} ${r.state}`);
  return down.length > 0 ? `${summary}; ${down.join(', ')}` : summary;
}
