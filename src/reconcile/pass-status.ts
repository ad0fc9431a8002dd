import type { Kind } from '../api/kinds.js';
import type { Lookup } from './lazy.js';
import type { Problem } from '../api/problem.js';
import type { ContainerRow, WorkloadStatus } from '../api/state-types.js';
import type { Classified, OwnedContainer } from './classify.js';
import type { ContainerSpec } from './container-spec.js';
import { cachedDesired, cachedEntry } from './desired-cache.js';
import type { DesiredContainer } from './desired.js';
import type { ExecuteResult } from './execute-result.js';
import { observeRows } from './observe.js';
import { rowIdOf } from './ownership.js';
import { passEvent } from './pass-input.js';
import type { PassInput } from './pass-input.js';
import type { PassPlan } from './pass-plan.js';
import { suspension } from './is-suspended.js';
import type { PassScope } from './pass-scope.js';
import { withProjectRows } from './project-rows.js';
import { placeInSlot } from './project-rollout.js';
import { quietWorkloads } from './quiet-workloads.js';
import { setCondition } from './conditions.js';
import { unplacedTasks } from './unplaced.js';
import { Reason } from './reasons.js';
import { projectSays, recordRollouts, selfRolloutsAfter } from './rollout-status.js';
import type { RolloutsSay } from './rollout-status.js';
import { mergePlaced, unobserved } from './rows.js';
import { isFailedPhase, workloadStatus } from './workload-status.js';

/** What acting did, and what the engine showed afterwards. */
export interface Acted {
  execution: ExecuteResult;
  /** The containers after acting: the settle read's, or when that read failed the first one's less what was removed. */
  final: Classified;
  /** The read after acting failed: rows keep what they said and what the deploy path wrote, unobserved. */
  readFailed: boolean;
}

/** Everything a workload's status is built from in one pass. */
interface StatusContext {
  input: PassInput;
  scope: PassScope;
  plan: PassPlan;
  acted: Acted;
  observed: ReadonlyMap<string, ContainerRow[]>;
  actedOn: ReadonlySet<string>;
}

/**
 * The status of every workload the pass knows. In scope: observed from the last read
 * and rebuilt, except quiet ones (nothing to tell), which keep theirs as they are. Out
 * of scope: as they were. Orphans whose prune was refused keep their status, with their
 * rows observed, so a stopped or vanished container shows.
 */
export function passStatuses(
  input: PassInput,
  scope: PassScope,
  plan: PassPlan,
  acted: Acted,
): { workloads: Record<string, WorkloadStatus>; failed: string[] } {
  const { previous } = input;
  const actedOn = new Set(plan.actions.map((a) => a.workloadId));
  const quiet = quietOnes(input, scope, plan, acted, actedOn);
  const kinds = knownKinds(input, scope);
  const observed = observedRows(input, plan, acted, kinds, quiet);
  const context: StatusContext = { input, scope, plan, acted, observed, actedOn };
  const refused = new Set(scope.prune.size === 0 ? scope.orphans : []);
  const workloads: Record<string, WorkloadStatus> = {};
  const failed: string[] = [];
  for (const id of [...kinds.keys()].sort()) {
    const before = previous.workloads[id];
    if (!scope.inScope(id) || quiet.has(id)) {
      if (before) workloads[id] = before;
    } else if (refused.has(id)) {
      if (before) workloads[id] = refusedOrphan(before, observed.get(id) ?? before.containers, scope, input);
    } else {
      const status = statusOf(id, context);
      workloads[id] = status;
      if (isFailedPhase(status.phase)) failed.push(id);
    }
  }
  // Workloads outside the scope keep their status as it was, whatever their manifest did.
  for (const [id, status] of Object.entries(previous.workloads))
    if (!scope.inScope(id) && !workloads[id]) workloads[id] = status;
  return { workloads, failed };
}

/**
 * A workload whose manifest is gone but whose prune was refused: its rows observed, its
 * counts from them, and a Stalled condition saying why its containers stay. A container
 * that stopped or vanished makes it Degraded.
 */
function refusedOrphan(
  before: WorkloadStatus,
  rows: ContainerRow[],
  scope: PassScope,
  input: PassInput,
): WorkloadStatus {
  const now = input.deps.clock.now();
  const running = rows.filter((r) => r.state === 'running').length;
  const message = `manifest deleted; its containers stay: ${scope.pruneRefusal}`;
  let conditions = setCondition(before.conditions, 'Stalled', 'True', Reason.PruneRefused, message, now);
  if (running < rows.length)
    conditions = setCondition(
      conditions,
      'Ready',
      'False',
      Reason.ReplicasNotRunning,
      `${running}/${rows.length} running`,
      now,
    );
  const phase = running < rows.length ? 'Degraded' : before.phase;
  return { ...before, containers: rows, phase, conditions, replicas: { ...before.replicas, running } };
}

function quietOnes(
  input: PassInput,
  scope: PassScope,
  plan: PassPlan,
  acted: Acted,
  actedOn: ReadonlySet<string>,
): Set<string> {
  return quietWorkloads(input.previous, plan.target, acted.final.owned, {
    actedOn,
    blocked: plan.blocked,
    projects: plan.projects,
    revision: input.options.revision,
    hashOf: (id) => cachedEntry(scope.valid.get(id)!, input.deps).hash,
    sourceOf: (id) => scope.valid.get(id)!.source,
  });
}

/** The workloads that get a status: those of the manifests, protected ones, and orphans whose prune was refused. */
function knownKinds(input: PassInput, scope: PassScope): Map<string, Kind> {
  const { previous } = input;
  const kinds = new Map<string, Kind>();
  for (const w of input.view.workloads) kinds.set(w.id, w.kind);
  const kept = [...scope.protectedIds, ...(scope.prune.size === 0 ? scope.orphans : [])];
  for (const id of kept) if (previous.workloads[id] && !kinds.has(id)) kinds.set(id, previous.workloads[id]!.kind);
  return kinds;
}

/** The rows, from the state file plus the deployer's placements, observed from the last read (unless it failed). */
function observedRows(
  input: PassInput,
  plan: PassPlan,
  acted: Acted,
  kinds: ReadonlyMap<string, Kind>,
  quiet: ReadonlySet<string>,
): Map<string, ContainerRow[]> {
  const { execution, final } = acted;
  const rows = new Map<string, ContainerRow[]>();
  for (const [id, status] of Object.entries(input.previous.workloads)) rows.set(id, status.containers);
  for (const [id, placed] of execution.placed) rows.set(id, mergePlaced(rows.get(id) ?? [], placed));
  // A backend that rolls out by itself deploys a Project's stages as any other kind: their rows come from here too.
  const projects = plan.rollouts
    ? [...kinds].filter(([, kind]) => kind === 'Project').map(([id]) => id)
    : plan.projects.keys();
  for (const id of projects)
    rows.set(
      id,
      withProjectRows(rows.get(id) ?? [], final.owned.get(id) ?? [], plan.target.get(id) ?? [], !!plan.rollouts),
    );
  for (const id of quiet) rows.delete(id);
  const observed = acted.readFailed
    ? unobserved(rows, kinds)
    : observeRows({
        rows,
        owned: quiet.size === 0 ? final.owned : new Map([...final.owned].filter(([id]) => !quiet.has(id))),
        known: kinds,
        now: input.deps.clock.now(),
      });
  for (const { workloadId, routeId } of execution.unrouted)
    for (const row of observed.get(workloadId) ?? []) if (row.routeId === routeId) row.routeId = null;
  for (const { workloadId, routeId, rowIds } of execution.routed)
    for (const row of observed.get(workloadId) ?? []) if (rowIds.includes(row.id)) row.routeId = routeId;
  return observed;
}

/** One workload's status: observed rows against what it wants, with the pass's errors, rollouts and events. */
function statusOf(id: string, context: StatusContext): WorkloadStatus {
  const { input, scope, plan, acted } = context;
  const { previous, deps } = input;
  const workload = scope.valid.get(id);
  const before = previous.workloads[id];
  // A suspended workload is not acted on, but its counts still say how far it is from its spec.
  const suspended = workload === undefined ? null : suspension(workload, previous);
  const target = plan.target.get(id);
  const wanted =
    target ?? (workload && suspended !== null ? suspendedDesired(cachedDesired(workload, deps), before) : []);
  const owned = acted.final.owned.get(id) ?? [];
  const reconciled = workload !== undefined && target !== undefined;
  const invalid = scope.protectedIds.has(id) ? invalidReason(id, before, input.view.problems) : null;
  const rollouts = rolloutsOf(id, wanted, context);
  const status = workloadStatus({
    previous: before,
    kind: workload?.kind ?? before!.kind,
    name: workload?.name ?? before!.name,
    source: workload?.source ?? before!.source,
    specHash: workload ? cachedEntry(workload, deps).hash : (before?.specHash ?? ''),
    desired: reconciled || suspended !== null ? wanted : [],
    rows: currentRows(context.observed.get(id) ?? [], reconciled, wanted, owned),
    owned,
    error: acted.execution.errors.get(id) ?? plan.blocked.get(id) ?? null,
    invalid,
    suspended,
    crashLoop: wanted.some((d) => plan.crashLooping.has(d.rowId)),
    // Started this pass but not yet running when settling stopped waiting: under way, not broken.
    progressing: owned.some((o) => acted.execution.started.has(o.container.id) && o.container.state === 'created'),
    unplaced: unplacedTasks(owned, wanted, deps.clock.now()),
    rolloutFailed: rollouts?.failed ?? null,
    rollingOut: rollouts?.rolling ?? null,
    now: deps.clock.now(),
    revision: input.options.revision,
    // Stamped when something was done (or first seen): a quiet pass leaves the state file as it is.
    reconciled: reconciled && (context.actedOn.has(id) || before?.lastReconciledAt == null),
  });
  if (invalid !== null && before) {
    // The last good spec keeps running: its counts and hash stay what they were.
    status.specHash = before.specHash;
    status.generation = before.generation;
    status.replicas = before.replicas;
  }
  status.applied = appliedSpecs(owned, wanted, plan.specs, before);
  recordRollouts(id, status, before, reconciled, rollouts, input);
  if (before && before.phase !== status.phase)
    passEvent(
      input,
      status.phase === 'Ready' ? 'Normal' : 'Warning',
      id,
      status.phase,
      `phase ${before.phase} -> ${status.phase}`,
    );
  return status;
}

/** A converged workload shows the rows it wants and those a container still stands behind; others all theirs. */
function currentRows(
  rows: readonly ContainerRow[],
  reconciled: boolean,
  wanted: readonly DesiredContainer[],
  owned: readonly OwnedContainer[],
): ContainerRow[] {
  if (!reconciled) return [...rows];
  const wantedRows = new Set(wanted.map((d) => d.rowId));
  const liveRows = new Set(owned.map((o) => rowIdOf(o.identity)));
  return rows.filter((r) => wantedRows.has(r.id) || liveRows.has(r.id));
}

/** A Project's rollouts as the pass planned them, or those of a backend that rolls out by itself, after acting. */
function rolloutsOf(
  id: string,
  wanted: readonly DesiredContainer[],
  { plan, acted, input }: StatusContext,
): RolloutsSay | undefined {
  const error = acted.execution.errors.has(id);
  const project = plan.projects.get(id);
  if (project) return projectSays(project, error);
  const read = input.session.rollouts?.();
  if (!plan.rollouts || !read || !plan.target.has(id)) return undefined;
  return selfRolloutsAfter({
    id,
    wanted,
    records: plan.rollouts.get(id),
    deployed: plan.deploy.get(id) ?? [],
    sent: acted.execution.sent,
    // The read after acting failed: what the backend said before acting is not what it does now.
    seen: acted.readFailed ? new Map() : read,
    error,
  });
}

/** A suspended workload's containers, counted where they are: a Project's stages in the slots that served last. */
function suspendedDesired(
  desired: readonly DesiredContainer[],
  before: WorkloadStatus | undefined,
): readonly DesiredContainer[] {
  return desired.map((d) => (d.rollout ? placeInSlot(d, before?.rollouts?.[d.role]?.serving ?? 'blue') : d));
}

function appliedSpecs(
  owned: readonly OwnedContainer[],
  desired: readonly DesiredContainer[],
  specs: Lookup<string, ContainerSpec>,
  before: WorkloadStatus | undefined,
): Record<string, ContainerSpec> | undefined {
  const hashes = new Set([...owned.map((o) => o.identity.specHash), ...desired.map((d) => d.hash)]);
  const out: Record<string, ContainerSpec> = {};
  for (const hash of [...hashes].sort()) {
    const spec = specs.get(hash) ?? (before?.applied?.[hash] as ContainerSpec | undefined);
    if (spec) out[hash] = spec;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function invalidReason(id: string, before: WorkloadStatus | undefined, problems: readonly Problem[]): string {
  const file = before?.source.file;
  const first = problems.find((p) => p.file === file) ?? problems[0];
  return first ? `${first.file}:${first.line}:${first.column}: ${first.message}` : `${id} is invalid`;
}
