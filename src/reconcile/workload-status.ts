import type { Kind } from '../api/kinds.js';
import type { Condition, ContainerRow, Phase, WorkloadStatus } from '../api/state-types.js';
import type { OwnedContainer } from './classify.js';
import { rowIdOf } from './ownership.js';
import { removeCondition, setCondition } from './conditions.js';
import type { DesiredContainer } from './desired.js';
import { Reason } from './reasons.js';
import type { Unplaced } from './unplaced.js';

/** A phase in which the workload did not converge: `run --once` exits 1, `reconcile` and `resume` too. */
export function isFailedPhase(phase: WorkloadStatus['phase']): boolean {
  return phase === 'Failed' || phase === 'Degraded' || phase === 'Invalid';
}

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
  /** Why the controller does not act on it (its annotation, or `tinyforge suspend`), or null. */
  suspended: string | null;
  crashLoop: boolean;
  /** Actions are still under way (the daemon will look again). */
  progressing: boolean;
  /** Swarm: tasks no node can take yet (Progressing, then Degraded after `healthTimeout`). */
  unplaced?: Unplaced | null;
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
  const generation = nextGeneration(previous, input.specHash);
  const { replicas, desiredHash } = countReplicas(input);
  const { phase, ...conditions } = decide({
    input,
    replicas,
    desiredHash,
    message: `${replicas.updated}/${replicas.desired} running`,
  });
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
    conditions: applyConditions(previous?.conditions ?? [], conditions, now),
    replicas,
    containers: input.rows,
    lastError: input.error,
    lastReconciledAt: input.reconciled ? now.toISOString() : (previous?.lastReconciledAt ?? null),
    lastAppliedRevision: ready ? input.revision : (previous?.lastAppliedRevision ?? null),
  };
}

/** `generation` rises with every new spec hash. */
function nextGeneration(previous: WorkloadStatus | undefined, specHash: string): number {
  if (!previous) return 1;
  return previous.specHash === specHash ? previous.generation : previous.generation + 1;
}

function countReplicas(input: StatusInput): { replicas: WorkloadStatus['replicas']; desiredHash: Map<string, string> } {
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
  return { replicas, desiredHash };
}

/** What a status decision works from. */
interface Facts {
  input: StatusInput;
  replicas: WorkloadStatus['replicas'];
  /** Spec hash of each desired row. */
  desiredHash: ReadonlyMap<string, string>;
  /** `updated/desired running`. */
  message: string;
}

interface Said {
  reason: string;
  message: string;
}

/** A phase and its conditions: Reconciling and Stalled are set when given, removed when not. */
interface Verdict {
  phase: Phase;
  ready: Said & { status: Condition['status'] };
  reconciling?: Said;
  stalled?: Said;
}

/** The cases in order of precedence: the first that applies decides; otherwise replicas are not running. */
const CASES: ((facts: Facts) => Verdict | undefined)[] = [
  invalid,
  suspended,
  failed,
  crashLooping,
  rollingOut,
  converged,
  waitingForNode,
  progressing,
];

function decide(facts: Facts): Verdict {
  for (const decideCase of CASES) {
    const verdict = decideCase(facts);
    if (verdict) return verdict;
  }
  return notRunning(facts);
}

function isConverged({ replicas }: Facts): boolean {
  return replicas.updated === replicas.desired && replicas.running === replicas.desired;
}

/** The manifest is invalid now: the last good spec keeps running. */
function invalid(facts: Facts): Verdict | undefined {
  const why = facts.input.invalid;
  if (why === null) return undefined;
  const reason = Reason.ManifestInvalid;
  return {
    phase: 'Invalid',
    ready: {
      status: isConverged(facts) ? 'True' : 'False',
      reason,
      message: `manifest invalid, last good spec kept: ${why}`,
    },
    stalled: { reason, message: why },
  };
}

function suspended({ input }: Facts): Verdict | undefined {
  if (input.suspended === null) return undefined;
  return {
    phase: 'Suspended',
    ready: { status: 'Unknown', reason: Reason.Suspended, message: input.suspended },
  };
}

/** An action failed, or a rollout did (its old slot keeps serving): stalled until something changes. */
function failed({ input, replicas }: Facts): Verdict | undefined {
  if (input.error === null && !input.rolloutFailed) return undefined;
  const said =
    input.error !== null
      ? { reason: Reason.ReconcileFailed, message: input.error }
      : { reason: Reason.RolloutFailed, message: input.rolloutFailed! };
  return {
    phase: replicas.running === 0 && replicas.desired > 0 ? 'Failed' : 'Degraded',
    ready: { status: 'False', ...said },
    stalled: said,
  };
}

function crashLooping({ input, message }: Facts): Verdict | undefined {
  if (!input.crashLoop) return undefined;
  return {
    phase: 'Degraded',
    ready: {
      status: 'False',
      reason: Reason.CrashLoop,
      message: `restart budget used up (5 restarts in 5 minutes); ${message}`,
    },
  };
}

/** Project: stages wait for a new slot to become healthy. */
function rollingOut({ input }: Facts): Verdict | undefined {
  if (!input.rollingOut) return undefined;
  const said = { reason: Reason.RollingOut, message: input.rollingOut };
  return { phase: 'Progressing', ready: { status: 'False', ...said }, reconciling: said };
}

function converged(facts: Facts): Verdict | undefined {
  if (!isConverged(facts)) return undefined;
  return { phase: 'Ready', ready: { status: 'True', reason: Reason.AllReplicasRunning, message: facts.message } };
}

/** Swarm has no node for some tasks: under way while the oldest is younger than `healthTimeout`, then Degraded. */
function waitingForNode({ input, replicas }: Facts): Verdict | undefined {
  const unplaced = input.unplaced;
  if (!unplaced) return undefined;
  const tasks = `${unplaced.count}/${replicas.desired} tasks`;
  const said = unplaced.overdue
    ? {
        reason: Reason.Unschedulable,
        message: `${tasks} not placed after ${unplaced.timeoutMs / 1000}s: ${unplaced.message}`,
      }
    : { reason: Reason.Unschedulable, message: `${tasks} waiting for a node: ${unplaced.message}` };
  if (unplaced.overdue) return { phase: 'Degraded', ready: { status: 'False', ...said } };
  return { phase: 'Progressing', ready: { status: 'False', ...said }, reconciling: said };
}

function progressing({ input, message }: Facts): Verdict | undefined {
  if (!input.progressing) return undefined;
  const said = { reason: Reason.Progressing, message };
  return { phase: 'Progressing', ready: { status: 'False', ...said }, reconciling: said };
}

function notRunning({ input, desiredHash, message }: Facts): Verdict {
  return {
    phase: 'Degraded',
    ready: {
      status: 'False',
      reason: Reason.ReplicasNotRunning,
      message: notRunningMessage(input.rows, desiredHash, message),
    },
  };
}

/** Ready is always set; Reconciling and Stalled are present only while true. */
function applyConditions(
  previous: readonly Condition[],
  { ready, reconciling, stalled }: Omit<Verdict, 'phase'>,
  now: Date,
): Condition[] {
  let conditions = setCondition(previous, 'Ready', ready.status, ready.reason, ready.message, now);
  conditions = reconciling
    ? setCondition(conditions, 'Reconciling', 'True', reconciling.reason, reconciling.message, now)
    : removeCondition(conditions, 'Reconciling');
  return stalled
    ? setCondition(conditions, 'Stalled', 'True', stalled.reason, stalled.message, now)
    : removeCondition(conditions, 'Stalled');
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
