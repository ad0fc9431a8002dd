import type { ObservedNode } from '../api/observed-service.js';
import type { ObservedContainer } from '../api/observed-container.js';
import { MAX_EVENTS } from '../api/state-types.js';
import type { ControllerState } from '../api/state-types.js';
import { classify } from './classify.js';
import { checkEngine } from './engine-check.js';
import { emptyExecuteResult } from './execute-result.js';
import { recordLastPlan } from './last-plan.js';
import { passEvent } from './pass-input.js';
import type { ManifestView, PassInput, TickDeps, TickOptions, TickResult } from './pass-input.js';
import { planPass } from './pass-plan.js';
import type { PassPlan } from './pass-plan.js';
import type { PlanEntry } from './plan-entry.js';
import { scopeOf } from './pass-scope.js';
import type { PassScope } from './pass-scope.js';
import { passStatuses } from './pass-status.js';
import type { Acted } from './pass-status.js';
import { Reason } from './reasons.js';
import { withoutRemoved } from './rows.js';

export type { ManifestView, TickDeps, TickOptions, TickResult } from './pass-input.js';

/**
 * One reconcile pass (README: How the controller works): one read of what the backend
 * owns, the scope (what to converge, keep, prune), a plan, the actions, a wait for what
 * was started, and every in-scope workload's status from the last read. Workloads are
 * independent: one that fails is reported and the others go on. When a read fails (any
 * error, first or after acting) nothing is swept, pruned or recreated on it: the rows
 * keep what they said, or what this pass's actions wrote, and the state says the engine is down.
 */
export async function reconcileTick(
  previous: ControllerState,
  view: ManifestView,
  deps: TickDeps,
  options: TickOptions,
): Promise<TickResult> {
  const input: PassInput = { session: deps.backend.session(), previous, view, deps, options, events: [] };
  const started = deps.clock.now();
  // Shallow: the pass replaces what it changes and never mutates what it keeps.
  const state: ControllerState = { ...previous, controller: { ...previous.controller }, events: [...previous.events] };
  state.invalid = view.problems.map(({ file, line, column, path, message }) => ({ file, line, column, path, message }));
  const finish: Finish = (entries, outcome) => finishPass(input, state, started, entries, outcome);

  let snapshot: ObservedContainer[];
  try {
    snapshot = await input.session.read();
  } catch (error) {
    return unreachable(state, messageOf(error), finish);
  }
  state.controller.docker = { ...state.controller.docker, reachable: true, lastError: null };
  recordNodes(state, input.session.nodes?.());
  try {
    return await converge(input, state, snapshot, finish);
  } catch (error) {
    // Flux's deferred status patch: what the pass knew is written even when it breaks.
    passEvent(input, 'Warning', null, Reason.ReconcileFailed, `the pass failed: ${messageOf(error)}`);
    const result = finish([], { dockerReachable: true, failed: [], pruneRefused: [], rolling: [], actions: 0 });
    throw new PassFailedError(error, result);
  }
}

/** A pass broke part-way (a defect, not a failed read or action): `result` is the state to write anyway. */
export class PassFailedError extends Error {
  constructor(
    cause: unknown,
    readonly result: TickResult,
  ) {
    super(messageOf(cause), { cause });
  }
}

type Finish = (entries: PlanEntry[], outcome: Omit<TickResult['outcome'], 'dockerCalls' | 'mutations'>) => TickResult;

/** Scope, plan, act and status, from the first read. */
async function converge(
  input: PassInput,
  state: ControllerState,
  snapshot: ObservedContainer[],
  finish: Finish,
): Promise<TickResult> {
  const held = await engineHolds(input, state, snapshot, finish);
  if (held) return held;
  const scope = scopeOf(input, snapshot);
  state.foreign = scope.classified.foreign;
  warnPruneRefused(input, scope);
  const plan = await planPass(input, scope, snapshot);
  const pruneRefused = scope.pruneRefusal === null ? [] : [...scope.orphans];
  if (input.options.dryRun) {
    const failed = [...plan.blocked.keys()];
    return finish(plan.entries, {
      dockerReachable: true,
      failed,
      pruneRefused,
      rolling: [],
      actions: plan.entries.length,
    });
  }
  const acted = await act(input, scope, plan, snapshot);
  if (acted.readFailed)
    state.controller.docker = { ...state.controller.docker, reachable: false, lastError: acted.readError };
  state.foreign = acted.final.foreign;
  const { workloads, failed } = passStatuses(input, scope, plan, acted);
  state.workloads = workloads;
  const rolling = [...plan.projects]
    .filter(([, p]) => p.rolling.length > 0)
    .map(([id]) => id)
    .concat(plan.routePending, plan.rollouts ? rollingByThemselves(workloads, plan.target) : [])
    .filter((id) => !failed.includes(id));
  const dockerReachable = state.controller.docker.reachable;
  return finish(plan.entries, { dockerReachable, failed, pruneRefused, rolling, actions: plan.entries.length });
}

/** The pass when the engine did not answer: nothing swept, pruned or recreated; the engine ID kept. */
function unreachable(state: ControllerState, lastError: string, finish: Finish): TickResult {
  state.controller.docker = { reachable: false, lastError, engineId: state.controller.docker.engineId ?? null };
  return finish([], { dockerReachable: false, failed: [], pruneRefused: [], rolling: [], actions: 0 });
}

/**
 * The engine check of a list that answered (engine-check.ts): a list that may not show this
 * engine's containers holds the pass, as a failed list does, and answers its result.
 */
async function engineHolds(
  input: PassInput,
  state: ControllerState,
  snapshot: readonly ObservedContainer[],
  finish: Finish,
): Promise<TickResult | undefined> {
  const engine = await checkEngine(input, snapshot);
  if (engine.unreadable !== undefined) return unreachable(state, engine.unreadable, finish);
  state.controller.docker = { reachable: true, lastError: engine.changed, engineId: engine.engineId };
  if (engine.changed === null && engine.confirming.length === 0) return undefined;
  const outcome = { dockerReachable: true, failed: [], pruneRefused: [], rolling: engine.confirming, actions: 0 };
  return finish([], engine.changed === null ? outcome : { ...outcome, held: engine.changed });
}

/** Applies the plan, waits for what it started, and reads again: the containers the statuses are built from. */
async function act(
  input: PassInput,
  scope: PassScope,
  plan: PassPlan,
  snapshot: readonly ObservedContainer[],
): Promise<Acted & { readError: string | null }> {
  const { controller, key } = input.deps;
  const { session } = input;
  if (plan.actions.length === 0)
    return { execution: emptyExecuteResult(), final: scope.classified, readFailed: false, readError: null };
  const execution = await session.apply(plan.actions, snapshot, plan.specs, plan.deploy);
  input.events.push(...execution.events);
  const settled = await session.settle(execution.started);
  if ('snapshot' in settled) {
    const known = new Set([...scope.valid.keys(), ...scope.protectedIds, ...Object.keys(input.previous.workloads)]);
    return { execution, final: classify(settled.snapshot, controller, key, known), readFailed: false, readError: null };
  }
  // The first read is out of date: observed with it, new rows would read missing and removed containers running.
  const final = withoutRemoved(scope.classified, execution.removed);
  return { execution, final, readFailed: true, readError: settled.error };
}

/** Workloads a backend that rolls out by itself is still rolling out: look again soon. */
function rollingByThemselves(
  workloads: ControllerState['workloads'],
  reconciled: ReadonlyMap<string, unknown>,
): string[] {
  // Only the workloads this pass reconciled: a suspended one, or one out of scope, keeps an old record.
  return Object.entries(workloads)
    .filter(([id, w]) => reconciled.has(id) && Object.values(w.rollouts ?? {}).some((r) => r.phase === 'Progressing'))
    .map(([id]) => id);
}

/** A cluster's nodes, as the state file shows them (`controller.nodes`). */
function recordNodes(state: ControllerState, nodes: readonly ObservedNode[] | undefined): void {
  if (nodes === undefined) return;
  state.controller.nodes = nodes.map(({ id, hostname, role, state: nodeState, availability }) => ({
    id,
    hostname,
    role,
    state: nodeState,
    availability,
  }));
}

function warnPruneRefused(input: PassInput, scope: PassScope): void {
  if (scope.pruneRefusal === null) return;
  for (const id of scope.orphans)
    passEvent(input, 'Warning', id, Reason.PruneRefused, `not removing the containers of ${id}: ${scope.pruneRefusal}`);
}

function finishPass(
  input: PassInput,
  state: ControllerState,
  started: Date,
  entries: PlanEntry[],
  outcome: Omit<TickResult['outcome'], 'dockerCalls' | 'mutations'>,
): TickResult {
  const now = input.deps.clock.now();
  const calls = input.session.calls();
  const dockerCalls = calls.total;
  // `plan` leaves the state as it read it: nothing happened that it should record.
  if (!input.options.dryRun) {
    recordLastPlan(state, input.previous, entries, started.toISOString());
    state.events = [...state.events, ...input.events].slice(-MAX_EVENTS);
    state.controller.heartbeatAt = now.toISOString();
    state.controller.lastTick = {
      at: started.toISOString(),
      durationMs: now.getTime() - started.getTime(),
      dockerCalls,
    };
  }
  return {
    state,
    events: input.events,
    planLines: entries.map((e) => e.line),
    plan: entries,
    outcome: { ...outcome, dockerCalls, mutations: calls.mutations },
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
