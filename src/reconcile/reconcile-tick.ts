import type { Kind } from '../api/kinds.js';
import type { ObservedContainer } from '../api/observed-container.js';
import type { Problem } from '../api/problem.js';
import { MAX_EVENTS } from '../api/state-types.js';
import type { ContainerRow, ControllerState, StateEvent, WorkloadStatus } from '../api/state-types.js';
import type { Reference, Workload } from '../api/workload.js';
import { classify } from './classify.js';
import type { Classified, OwnedContainer } from './classify.js';
import type { Clock } from './clock.js';
import type { ContainerSpec } from './container-spec.js';
import { CountingPort } from './counting-port.js';
import type { DesiredContainer } from './desired.js';
import type { DockerPort } from './docker-port.js';
import { emptyExecuteResult, executePlan } from './execute-plan.js';
import type { ExecuteResult, ExecutionLimits } from './execute-plan.js';
import { observeRows } from './observe.js';
import { quietWorkloads } from './quiet-workloads.js';
import { withProjectRows } from './project-rows.js';
import { placeInSlot, planProject, routesOf } from './project-rollout.js';
import type { ProjectPlan } from './project-rollout.js';
import { rowIdOf } from './ownership.js';
import { describeAction, planActions } from './plan.js';
import { cachedDesired, cachedEntry, sweepDesired } from './desired-cache.js';
import { pruneRefusalReason } from './prune-refusal.js';
import { Reason } from './reasons.js';
import { settle } from './settle.js';
import { recordOnlyRoutes } from './route-provider.js';
import type { PortAllocator, RouteProvider } from './route-provider.js';
import { workloadStatus } from './workload-status.js';

/** What the manifest directory held at the start of the tick. */
export interface ManifestView {
  workloads: readonly Workload[];
  problems: readonly Problem[];
  invalidIds: readonly string[];
  invalidFiles: readonly string[];
  /** The directory could not be read at all. */
  unreadable?: string;
  fileCount: number;
}

export interface TickDeps {
  docker: DockerPort;
  /** The controller key; without one (plan before any run) nothing counts as owned. */
  key: Buffer | undefined;
  controller: string;
  clock: Clock;
  digest: (reference: Reference) => string;
  readEnvFile: (reference: Reference) => Map<string, string>;
  concurrency: number;
  /**
   * How long `run --once` waits for started containers to settle, how often it looks,
   * and how long it watches them once running, so that a program that dies at once is
   * seen failing rather than reported running.
   */
  settle: { timeoutMs: number; pollMs: number; graceMs?: number };
  /** Whether self-heal may restart this row now (the restart budget). */
  mayHeal: (rowId: string) => boolean;
  /** Self-heal restarted this row (it counts against the budget). */
  healed?: (rowId: string) => void;
  /** Limits shared with ticks running at the same time. */
  limits?: ExecutionLimits;
  /** The reverse proxy for Project routes (`--routes`); default: routes are only recorded. */
  routes?: RouteProvider;
  /** Host ports for Project slots (`--port-range`). */
  ports?: PortAllocator;
}

export interface TickOptions {
  /** `plan`: decide, change nothing. */
  dryRun: boolean;
  /**
   * Only these workloads are acted on and have their status rebuilt (a watch event or a
   * Docker event names them); the others keep the status they had. Default: all.
   */
  scope?: ReadonlySet<string>;
  allowEmpty: boolean;
  revision: string | null;
}

export interface TickResult {
  state: ControllerState;
  /** The events this tick added (also in `state.events`). */
  events: StateEvent[];
  /** The plan lines, in order (what was applied, or would be). */
  planLines: string[];
  outcome: {
    dockerReachable: boolean;
    /** Workloads that failed this tick (an action failed or was blocked, or replicas do not run). */
    failed: string[];
    pruneRefused: string[];
    /** Project workloads waiting for a new slot to become healthy: look again soon. */
    rolling: string[];
    actions: number;
    dockerCalls: number;
    mutations: number;
  };
}

/**
 * One reconcile tick: one list of managed containers, observe, plan, act, wait for what
 * was started, observe again, and build the whole state. Workloads are independent: one
 * that fails is reported and the others go on. When a list fails (any error) nothing is
 * swept, pruned or recreated: the state keeps every row as it was, or as this tick's
 * actions wrote it, and says Docker is down.
 */
export async function reconcileTick(
  previous: ControllerState,
  view: ManifestView,
  deps: TickDeps,
  options: TickOptions,
): Promise<TickResult> {
  const started = deps.clock.now();
  const docker = new CountingPort(deps.docker);
  // Shallow: this tick replaces what it changes and never mutates what it keeps.
  const state: ControllerState = { ...previous, controller: { ...previous.controller }, events: [...previous.events] };
  state.invalid = view.problems.map((p) => ({
    file: p.file,
    line: p.line,
    column: p.column,
    path: p.path,
    message: p.message,
  }));
  const events: StateEvent[] = [];
  const valid = new Map(view.workloads.map((w) => [w.id, w]));
  const inScope = (id: string) => options.scope === undefined || options.scope.has(id);

  let snapshot: ObservedContainer[];
  try {
    snapshot = await docker.list();
  } catch (error) {
    // Whatever the port threw, a failed list is a failed read (guarantee 1).
    state.controller.docker = { reachable: false, lastError: messageOf(error) };
    finish(state, events, started, deps.clock, docker.total);
    return {
      state,
      events,
      planLines: [],
      outcome: {
        dockerReachable: false,
        failed: [],
        pruneRefused: [],
        rolling: [],
        actions: 0,
        dockerCalls: docker.total,
        mutations: 0,
      },
    };
  }
  state.controller.docker = { reachable: true, lastError: null };

  const invalidIds = new Set(view.invalidIds);
  const invalidFiles = new Set(view.invalidFiles);
  // Workloads last loaded from a file that is broken now keep their containers, untouched.
  const keptFromBrokenFiles = Object.entries(previous.workloads)
    .filter(([id, w]) => !valid.has(id) && invalidFiles.has(w.source.file))
    .map(([id]) => id);
  const protectedIds = new Set([...invalidIds, ...keptFromBrokenFiles]);
  const known = new Set([...valid.keys(), ...protectedIds, ...Object.keys(previous.workloads)]);
  const classified = classify(snapshot, deps.controller, deps.key, known);
  state.foreign = classified.foreign;

  // Desired containers of the workloads this tick converges.
  const desired = new Map<string, DesiredContainer[]>();
  for (const workload of view.workloads) {
    if (!inScope(workload.id) || protectedIds.has(workload.id) || isSuspended(workload)) continue;
    desired.set(workload.id, cachedDesired(workload, deps));
  }
  // Whatever the scope, every loaded workload keeps its entry; those of workloads gone are dropped.
  sweepDesired(deps.controller, view.workloads);

  // Prune by set difference, unless the directory gives no grounds to (docs/guarantees.md #3).
  const orphans = [...classified.owned.keys()]
    .filter((id) => inScope(id) && !valid.has(id) && !protectedIds.has(id))
    .sort();
  const pruneRefusal = pruneRefusalReason(view, options.allowEmpty, orphans, previous);
  const prune = new Set(pruneRefusal === null ? orphans : []);
  if (pruneRefusal !== null) {
    for (const id of orphans)
      events.push(
        event(deps.clock, 'Warning', id, Reason.PruneRefused, `not removing the containers of ${id}: ${pruneRefusal}`),
      );
  }

  const specs = new Map<string, ContainerSpec>();
  for (const status of Object.values(previous.workloads))
    for (const [hash, spec] of Object.entries(status.applied ?? {})) specs.set(hash, spec as ContainerSpec);
  for (const list of desired.values()) for (const d of list) specs.set(d.hash, d.spec);
  const hadContainer = new Set(
    Object.values(previous.workloads).flatMap((w) =>
      w.containers.filter((r) => r.containerId !== null).map((r) => r.id),
    ),
  );

  // Project stages roll out blue-green; every other kind converges container by container.
  const projects = new Map<string, ProjectPlan>();
  const containerwise = new Map<string, DesiredContainer[]>();
  const routed = [...desired].some(
    ([id, list]) => valid.get(id)?.kind === 'Project' && list.some((d) => d.spec.domain !== null),
  );
  // What the proxy holds, read once (not a Docker call); a proxy that does not answer now is left for the actions to find.
  const heldRoutes = routed ? await (deps.routes ?? recordOnlyRoutes).list().catch(() => undefined) : undefined;
  for (const [id, list] of desired) {
    if (valid.get(id)?.kind !== 'Project') {
      containerwise.set(id, list);
      continue;
    }
    const before = previous.workloads[id];
    projects.set(
      id,
      planProject({
        workloadId: id,
        controller: deps.controller,
        desired: list,
        owned: classified.owned.get(id) ?? [],
        rows: before?.containers ?? [],
        rollouts: before?.rollouts,
        now: deps.clock.now(),
        hadContainer,
        mayHeal: deps.mayHeal,
        specs,
        routes: heldRoutes,
      }),
    );
  }
  const plan = planActions({
    desired: containerwise,
    owned: classified.owned,
    prune,
    snapshot,
    specs,
    hadContainer,
    mayHeal: deps.mayHeal,
  });
  // A pruned Project's routes go before its containers.
  for (const id of prune)
    for (const routeId of routesOf(previous.workloads[id]?.containers ?? []))
      plan.actions.unshift({ type: 'unroute', workloadId: id, routeId, cause: 'manifest deleted' });
  for (const [id, project] of projects) {
    plan.actions.push(...project.actions);
    for (const rowId of project.crashLooping) plan.crashLooping.add(rowId);
    // From here on a Project's desired containers are those of the slots its stages serve or roll out to.
    desired.set(id, project.target);
  }
  const planLines = plan.actions.map(describeAction);
  if (options.dryRun) {
    return {
      state,
      events,
      planLines,
      outcome: {
        dockerReachable: true,
        failed: [...plan.blocked.keys()],
        pruneRefused: pruneRefusal ? orphans : [],
        rolling: [],
        actions: plan.actions.length,
        dockerCalls: docker.total,
        mutations: 0,
      },
    };
  }

  let execution: ExecuteResult = emptyExecuteResult();
  let final: Classified = classified;
  // The list after the actions failed: the rows are not observed, they keep what they said and what the deploy path wrote.
  let readFailed = false;
  if (plan.actions.length > 0) {
    if (!deps.key) throw new Error('no controller key: cannot sign containers');
    execution = await executePlan(plan.actions, snapshot, {
      docker,
      key: deps.key,
      controller: deps.controller,
      clock: deps.clock,
      readEnvFile: deps.readEnvFile,
      concurrency: deps.concurrency,
      specs,
      ...(deps.limits ? { limits: deps.limits } : {}),
      ...(deps.healed ? { healed: deps.healed } : {}),
      ...(deps.routes ? { routes: deps.routes } : {}),
      ...(deps.ports ? { ports: deps.ports } : {}),
    });
    events.push(...execution.events);
    const settled = await settle(docker, execution.started, deps);
    if ('snapshot' in settled) final = classify(settled.snapshot, deps.controller, deps.key, known);
    else {
      // The first snapshot is out of date: observed with it, new rows would read missing and removed containers running.
      readFailed = true;
      final = withoutRemoved(classified, execution.removed);
      state.controller.docker = { reachable: false, lastError: settled.error };
    }
    state.foreign = final.foreign;
  }

  const actedOn = new Set(plan.actions.map((a) => a.workloadId));
  const quiet = quietWorkloads(previous, desired, final.owned, {
    actedOn,
    blocked: plan.blocked,
    projects,
    revision: options.revision,
    hashOf: (id) => cachedEntry(valid.get(id)!, deps).hash,
    sourceOf: (id) => valid.get(id)!.source,
  });

  // Observe from the last snapshot; rows start from the state file plus the deployer's placeholders.
  const kinds = new Map<string, Kind>();
  for (const w of view.workloads) kinds.set(w.id, w.kind);
  for (const id of protectedIds) if (previous.workloads[id]) kinds.set(id, previous.workloads[id]!.kind);
  const rows = new Map<string, ContainerRow[]>();
  for (const [id, status] of Object.entries(previous.workloads)) rows.set(id, status.containers);
  for (const [id, placed] of execution.placed) rows.set(id, mergePlaced(rows.get(id) ?? [], placed));
  for (const id of projects.keys())
    rows.set(id, withProjectRows(rows.get(id) ?? [], final.owned.get(id) ?? [], desired.get(id) ?? []));
  for (const id of quiet) rows.delete(id);
  const observed = readFailed
    ? unobserved(rows, kinds)
    : observeRows({
        rows,
        owned: quiet.size === 0 ? final.owned : new Map([...final.owned].filter(([id]) => !quiet.has(id))),
        known: kinds,
        now: deps.clock.now(),
      });
  for (const { workloadId, routeId, rowIds } of execution.routed) {
    for (const row of observed.get(workloadId) ?? []) if (rowIds.includes(row.id)) row.routeId = routeId;
  }

  const workloads: Record<string, WorkloadStatus> = {};
  const failed: string[] = [];
  for (const id of [...kinds.keys()].sort()) {
    if (!inScope(id) || quiet.has(id)) {
      if (previous.workloads[id]) workloads[id] = previous.workloads[id]!;
      continue;
    }
    const workload = valid.get(id);
    const before = previous.workloads[id];
    // A suspended workload is not acted on, but its counts still say how far it is from its spec.
    const suspended = workload !== undefined && isSuspended(workload);
    const wanted = desired.get(id) ?? (suspended ? suspendedDesired(cachedDesired(workload, deps), before) : []);
    const owned = final.owned.get(id) ?? [];
    const wantedRows = new Set(wanted.map((d) => d.rowId));
    const liveRows = new Set(owned.map((o) => rowIdOf(o.identity)));
    const reconciled = workload !== undefined && desired.has(id);
    // Stamped when something was done (or first seen): a quiet tick leaves the state file as it is.
    const touched = reconciled && (actedOn.has(id) || before?.lastReconciledAt == null);
    const rowsNow = (observed.get(id) ?? []).filter((r) => !reconciled || wantedRows.has(r.id) || liveRows.has(r.id));
    const error = execution.errors.get(id) ?? plan.blocked.get(id) ?? null;
    const crashLoop = wanted.some((d) => plan.crashLooping.has(d.rowId));
    const project = projects.get(id);
    const invalidMessage =
      invalidIds.has(id) || keptFromBrokenFiles.includes(id) ? invalidReason(id, before, view.problems) : null;
    // Started this pass but not yet running when settling stopped waiting: under way, not broken.
    const progressing = owned.some((o) => execution.started.has(o.container.id) && o.container.state === 'created');
    const status = workloadStatus({
      previous: before,
      kind: workload?.kind ?? before!.kind,
      name: workload?.name ?? before!.name,
      source: workload?.source ?? before!.source,
      specHash: workload ? cachedEntry(workload, deps).hash : (before?.specHash ?? ''),
      desired: reconciled || suspended ? wanted : [],
      rows: rowsNow,
      owned,
      error,
      invalid: invalidMessage,
      suspended,
      crashLoop,
      progressing,
      rolloutFailed: project && project.failed.length > 0 ? project.failed.join('; ') : null,
      rollingOut:
        project && project.rolling.length > 0 && execution.errors.get(id) === undefined
          ? project.rolling.map((stage) => `${stage}: ${project.rollouts[stage]?.message}`).join('; ')
          : null,
      now: deps.clock.now(),
      revision: options.revision,
      reconciled: touched,
    });
    if (invalidMessage !== null && before) {
      // The last good spec keeps running: its counts and hash stay what they were.
      status.specHash = before.specHash;
      status.generation = before.generation;
      status.replicas = before.replicas;
    }
    status.applied = appliedSpecs(owned, wanted, specs, before);
    if (project) {
      status.rollouts = project.rollouts;
      for (const [stage, rollout] of Object.entries(project.rollouts)) {
        if (rollout.phase === 'Complete' && before?.rollouts?.[stage]?.phase === 'Progressing')
          events.push(event(deps.clock, 'Normal', id, Reason.RolledOut, `${stage}: ${rollout.message}`));
      }
    } else if (before?.rollouts && !reconciled) status.rollouts = before.rollouts;
    workloads[id] = status;
    if (status.phase === 'Failed' || status.phase === 'Degraded' || status.phase === 'Invalid') failed.push(id);
    if (before && before.phase !== status.phase) {
      events.push(
        event(
          deps.clock,
          status.phase === 'Ready' ? 'Normal' : 'Warning',
          id,
          status.phase,
          `phase ${before.phase} -> ${status.phase}`,
        ),
      );
    }
  }
  // Workloads outside the scope keep their status as it was, whatever their manifest did.
  for (const [id, status] of Object.entries(previous.workloads))
    if (!inScope(id) && !workloads[id]) workloads[id] = status;
  // Orphans whose prune was refused stay visible, so nobody wonders where they went.
  for (const id of prune.size === 0 ? orphans : [])
    if (previous.workloads[id] && !workloads[id]) workloads[id] = previous.workloads[id]!;
  state.workloads = workloads;
  finish(state, events, started, deps.clock, docker.total);
  return {
    state,
    events,
    planLines,
    outcome: {
      dockerReachable: state.controller.docker.reachable,
      failed,
      pruneRefused: pruneRefusal ? orphans : [],
      rolling: [...projects].filter(([id, p]) => p.rolling.length > 0 && !failed.includes(id)).map(([id]) => id),
      actions: plan.actions.length,
      dockerCalls: docker.total,
      mutations: docker.mutations,
    },
  };
}

/** A suspended workload's containers, counted where they are: a Project's stages in the slots that served last. */
function suspendedDesired(
  desired: readonly DesiredContainer[],
  before: WorkloadStatus | undefined,
): readonly DesiredContainer[] {
  return desired.map((d) => (d.rollout ? placeInSlot(d, before?.rollouts?.[d.role]?.serving ?? 'blue') : d));
}

/** What a snapshot held, less the containers this tick removed since. */
function withoutRemoved(classified: Classified, removed: ReadonlySet<string>): Classified {
  if (removed.size === 0) return classified;
  const owned = new Map(
    [...classified.owned].map(([id, list]) => [id, list.filter((o) => !removed.has(o.container.id))] as const),
  );
  return { owned: new Map([...owned].filter(([, list]) => list.length > 0)), foreign: classified.foreign };
}

/** The rows as they stand, unobserved: for known workloads, copied and in row order, none swept. */
function unobserved(
  rows: ReadonlyMap<string, readonly ContainerRow[]>,
  known: ReadonlyMap<string, Kind>,
): Map<string, ContainerRow[]> {
  const result = new Map<string, ContainerRow[]>();
  for (const [id, list] of rows)
    if (known.has(id))
      result.set(
        id,
        list.map((row) => ({ ...row })).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
      );
  return result;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function mergePlaced(rows: readonly ContainerRow[], placed: readonly ContainerRow[]): ContainerRow[] {
  const byId = new Map(rows.map((r) => [r.id, r]));
  for (const row of placed) {
    const before = byId.get(row.id);
    if (!before) {
      byId.set(row.id, row);
      continue;
    }
    // The deploy path writes what it deployed, absence (null) included: a field removed from the
    // manifest is cleared. Only the route is not the create's to know; it is set once routed.
    const merged: ContainerRow = { ...row, routeId: row.routeId ?? before.routeId, restarts: before.restarts };
    // A placeholder placed again (its create failed) keeps its first time, so it can expire.
    if (row.containerId === null && before.containerId === null && before.placedAt !== undefined)
      merged.placedAt = before.placedAt;
    byId.set(row.id, merged);
  }
  return [...byId.values()];
}

function appliedSpecs(
  owned: readonly OwnedContainer[],
  desired: readonly DesiredContainer[],
  specs: ReadonlyMap<string, ContainerSpec>,
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

function isSuspended(workload: Workload): boolean {
  return workload.manifest.metadata.annotations?.['tinyforge.dev/suspend'] === 'true';
}

function event(
  clock: Clock,
  type: StateEvent['type'],
  workload: string | null,
  reason: string,
  message: string,
): StateEvent {
  return { at: clock.now().toISOString(), type, workload, reason, message };
}

function finish(
  state: ControllerState,
  events: readonly StateEvent[],
  started: Date,
  clock: Clock,
  dockerCalls: number,
): void {
  const now = clock.now();
  state.events = [...state.events, ...events].slice(-MAX_EVENTS);
  state.controller.heartbeatAt = now.toISOString();
  state.controller.lastTick = { at: started.toISOString(), durationMs: now.getTime() - started.getTime(), dockerCalls };
}
