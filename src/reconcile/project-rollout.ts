import { Label } from '../api/labels.js';
import type { ContainerRow, StageRolloutStatus } from '../api/state-types.js';
import type { OwnedContainer } from './classify.js';
import type { ContainerSpec } from './container-spec.js';
import type { DesiredContainer, Slot } from './desired.js';
import { rowIdOf } from './ownership.js';
import type { Action } from './plan.js';
import { routeIdOf, routesOf, sameRoute } from './route-provider.js';
import type { Route } from './route-provider.js';
import { specChanges } from './spec-changes.js';
import { createAction, createOrCrashLoop, removeAction, startOrCrashLoop } from './heal.js';
import type { HealSink } from './heal.js';

export interface ProjectPlanInput {
  workloadId: string;
  controller: string;
  /** The stages' containers as the manifest asks for them, without a slot. */
  desired: readonly DesiredContainer[];
  owned: readonly OwnedContainer[];
  /** The workload's rows in the state file: when each container was first seen running, and its route. */
  rows: readonly ContainerRow[];
  /** The rollout records of the state file, by stage. */
  rollouts: Readonly<Record<string, StageRolloutStatus>> | undefined;
  now: Date;
  /** Row ids that had a container before: a missing one vanished. */
  hadContainer: ReadonlySet<string>;
  mayHeal: (rowId: string) => boolean;
  /** Specs known by hash, to say what changed. */
  specs: ReadonlyMap<string, ContainerSpec>;
  /** The routes the proxy holds, when it can say: one missing or pointing elsewhere is set again. */
  routes?: ReadonlyMap<string, Route> | undefined;
}

export interface ProjectPlan {
  actions: Action[];
  /** The containers each stage serves from, or is rolling out to: what its counts are measured against. */
  target: DesiredContainer[];
  rollouts: Record<string, StageRolloutStatus>;
  /** A stage is waiting for its new slot to become healthy: look again soon. */
  rolling: string[];
  /** Stages whose rollout failed, with why. */
  failed: string[];
  crashLooping: Set<string>;
}

const SLOTS: readonly Slot[] = ['blue', 'green'];
const other = (slot: Slot): Slot => (slot === 'blue' ? 'green' : 'blue');

/**
 * A Project's stages, each rolled out blue-green (docs/how-it-works.md: Project rollouts): the new spec
 * starts in the other slot; once all its replicas are healthy (their healthcheck, or
 * running `minReadySeconds` without one) the stage's route switches to it and the old
 * slot is removed. A new slot that is not healthy within `healthTimeout` is removed and
 * the old one keeps serving; that spec is not tried again until it changes. Everything
 * is decided from the owned containers and the state file's rows and rollout records,
 * so a rollout interrupted by a crash carries on where it was.
 */
export function planProject(input: ProjectPlanInput): ProjectPlan {
  const plan: ProjectPlan = { actions: [], target: [], rollouts: {}, rolling: [], failed: [], crashLooping: new Set() };
  const stages = new Map<string, DesiredContainer[]>();
  for (const d of input.desired) stages.set(d.role, [...(stages.get(d.role) ?? []), d]);
  for (const [stage, wanted] of stages) planStage(stage, wanted, input, plan);
  // Stages no longer in the manifest: their routes and containers go.
  for (const routeId of routesOf(input.rows.filter((r) => !stages.has(r.role))))
    plan.actions.push({ type: 'unroute', workloadId: input.workloadId, routeId, cause: 'stage removed' });
  for (const o of input.owned) {
    if (stages.has(o.identity.role)) continue;
    plan.actions.push(removeAction(o, `stage ${o.identity.role} removed`));
  }
  return plan;
}

function planStage(
  stage: string,
  wanted: readonly DesiredContainer[],
  input: ProjectPlanInput,
  plan: ProjectPlan,
): void {
  const { workloadId, now } = input;
  const rollout = wanted[0]!.rollout!;
  const hash = wanted[0]!.hash;
  const record = input.rollouts?.[stage];
  const mine = input.owned.filter((o) => o.identity.role === stage);
  const inSlot = (slot: Slot) => mine.filter((o) => o.identity.slot === slot);
  const removals: Action[] = [];
  const rest: Action[] = [];
  const status = (
    phase: StageRolloutStatus['phase'],
    serving: Slot | null,
    next: Slot | null,
    message: string,
    failedSpecHash: string | null = null,
  ) => {
    plan.rollouts[stage] = { phase, serving, next, specHash: hash, failedSpecHash, message };
  };

  for (const o of mine)
    if (o.identity.slot !== 'blue' && o.identity.slot !== 'green') removals.push(removeAction(o, 'not in a slot'));

  const withSpec = SLOTS.filter((slot) => inSlot(slot).some((o) => o.identity.specHash === hash));
  let next: Slot | null =
    withSpec.length === 1 ? withSpec[0]! : withSpec.length === 2 ? (record?.next ?? 'blue') : null;

  if (next === null) {
    const occupied = SLOTS.filter((slot) => inSlot(slot).length > 0);
    const serving = servingSlot(occupied, record, inSlot);
    if (record?.failedSpecHash === hash) {
      // This spec failed its rollout: the old slot serves and is kept running until the spec changes.
      if (serving) healSlot(inSlot(serving), input, rest, plan);
      status('Failed', serving, null, record.message, hash);
      plan.failed.push(`${stage}: ${record.message}`);
      plan.target.push(...inTarget(wanted, serving ?? 'blue'));
      plan.actions.push(...removals, ...rest);
      return;
    }
    // A rollout still under way for an older spec is superseded by this one.
    for (const slot of occupied)
      if (slot !== serving) for (const o of inSlot(slot)) removals.push(removeAction(o, 'superseded by a newer spec'));
    next = serving ? other(serving) : 'blue';
    const targets = inTarget(wanted, next);
    if (rollout.strategy === 'recreate' && serving)
      for (const o of inSlot(serving)) removals.push(removeAction(o, 'replaced (strategy recreate)'));
    const heal = healSink(input, rest, plan);
    for (const d of targets) {
      // A stage with nothing left in any slot had its containers vanish: recreated within the restart budget.
      if (serving === null) createOrCrashLoop(d, hadContainerInAnySlot(d, input), heal);
      else rest.push(createAction(d, `rollout to ${next}: ${rolloutCause(inSlot(serving), d, input.specs)}`));
    }
    status('Progressing', rollout.strategy === 'recreate' ? null : serving, next, `starting ${next} (${rollout.tag})`);
    plan.rolling.push(stage);
    plan.target.push(...targets);
    plan.actions.push(...removals, ...rest);
    return;
  }

  // The new slot exists: complete it, then judge it.
  const targets = inTarget(wanted, next);
  const nextContainers = inSlot(next);
  for (const o of nextContainers)
    if (o.identity.specHash !== hash) removals.push(removeAction(o, 'superseded by a newer spec'));
  const current = nextContainers.filter((o) => o.identity.specHash === hash);
  for (const o of current)
    if (o.identity.replica > rollout.replicas) removals.push(removeAction(o, `scaled down to ${rollout.replicas}`));
  const ready: boolean[] = [];
  for (const d of targets) {
    const [keep, ...duplicates] = current
      .filter((o) => o.identity.replica === d.replica)
      .sort((a, b) => runningFirst(a, b) || b.container.created - a.container.created);
    for (const dup of duplicates) removals.push(removeAction(dup, `duplicate of ${keep!.container.name}`));
    if (!keep) {
      createOrCrashLoop(d, input.hadContainer.has(d.rowId), healSink(input, rest, plan));
      ready.push(false);
      continue;
    }
    startOrCrashLoop(d.rowId, keep.container, healSink(input, rest, plan));
    ready.push(isReady(keep, d, input));
  }
  const healthy = ready.filter(Boolean).length;
  const allReady = healthy === targets.length;
  const old = inSlot(other(next));
  const startedMs = Math.min(...current.map((o) => o.container.created * 1000), now.getTime());
  const timedOut = now.getTime() - startedMs >= rollout.healthTimeoutMs;
  const route = allReady
    ? routeAction(
        input,
        stage,
        next,
        targets,
        current,
        old.length > 0 ? `${next} is healthy: switching from ${other(next)}` : `${next} is healthy`,
      )
    : undefined;
  const unrecorded = targets.some((d) => !input.rows.some((r) => r.id === d.rowId && r.routeId !== null));
  // Level-triggered like the containers: a route the proxy lost (it restarted) is set again.
  const held = route ? input.routes?.get(route.route.id) : undefined;
  const lost =
    route !== undefined && input.routes !== undefined && (held === undefined || !sameRoute(held, route.route));

  if (allReady) {
    if (route && (old.length > 0 || unrecorded)) rest.push(route);
    else if (route && lost) rest.push({ ...route, cause: 'the proxy does not hold it' });
    // The stage lost its domain: the route it had goes.
    if (wanted[0]!.spec.domain === null)
      for (const routeId of routesOf(input.rows.filter((r) => r.role === stage)))
        rest.push({ type: 'unroute', workloadId, routeId, cause: 'domain removed' });
    for (const o of old) rest.push(removeAction(o, `rolled out to ${next}`));
    status('Complete', next, null, `${next} serves ${rollout.tag}: ${healthy}/${targets.length} healthy`);
    plan.target.push(...targets);
  } else if (old.length === 0 && record?.phase === 'Complete' && record.serving === next && record.specHash === hash) {
    // It served already: a replica down is self-heal's business, not a rollout.
    status('Complete', next, null, `${next} serves ${rollout.tag}: ${healthy}/${targets.length} healthy`);
    plan.target.push(...targets);
  } else if (!timedOut) {
    if (old.length > 0) healSlot(old, input, rest, plan);
    status(
      'Progressing',
      old.length > 0 ? other(next) : (record?.serving ?? null),
      next,
      `waiting for ${next} (${rollout.tag}) to become healthy: ${healthy}/${targets.length}`,
    );
    plan.rolling.push(stage);
    plan.target.push(...targets);
  } else if (old.length > 0) {
    // Automatic rollback: the new slot goes, the old one keeps serving.
    const message = `rollout of ${rollout.tag} to ${next} failed: ${healthy}/${targets.length} healthy after ${formatMs(rollout.healthTimeoutMs)}; rolled back to ${other(next)}`;
    removals.length = 0;
    rest.length = 0;
    for (const o of nextContainers) removals.push(removeAction(o, 'rollout failed: not healthy in time'));
    healSlot(old, input, rest, plan);
    status('Failed', other(next), null, message, hash);
    plan.failed.push(`${stage}: ${message}`);
    plan.target.push(...inTarget(wanted, other(next)));
  } else if (record !== undefined && record.specHash === hash) {
    // Nothing to roll back to (the first deploy, or strategy recreate): it stays, reported failed.
    const message = `rollout of ${rollout.tag} to ${next} failed: ${healthy}/${targets.length} healthy after ${formatMs(rollout.healthTimeoutMs)}`;
    status('Failed', null, next, message, hash);
    plan.failed.push(`${stage}: ${message}`);
    plan.target.push(...targets);
  } else {
    // No record of this rollout (the state file was lost): judge it again on the next look.
    status(
      'Progressing',
      null,
      next,
      `waiting for ${next} (${rollout.tag}) to become healthy: ${healthy}/${targets.length}`,
    );
    plan.rolling.push(stage);
    plan.target.push(...targets);
  }
  plan.actions.push(...removals, ...rest);
}

/** Which occupied slot serves: the one the state file says, else the one with the oldest containers. */
function servingSlot(
  occupied: readonly Slot[],
  record: StageRolloutStatus | undefined,
  inSlot: (slot: Slot) => OwnedContainer[],
): Slot | null {
  if (record?.serving && occupied.includes(record.serving)) return record.serving;
  const oldest = (slot: Slot) => Math.min(...inSlot(slot).map((o) => o.container.created));
  return [...occupied].sort((a, b) => oldest(a) - oldest(b))[0] ?? null;
}

/** Stopped containers of the serving slot are started again (within the restart budget). */
function healSlot(
  containers: readonly OwnedContainer[],
  input: ProjectPlanInput,
  rest: Action[],
  plan: ProjectPlan,
): void {
  for (const o of containers) startOrCrashLoop(rowIdOf(o.identity), o.container, healSink(input, rest, plan));
}

function healSink(input: ProjectPlanInput, actions: Action[], plan: ProjectPlan): HealSink {
  return { workloadId: input.workloadId, mayHeal: input.mayHeal, actions, crashLooping: plan.crashLooping };
}

/** Whether this replica of the stage had a container before, in either slot. */
function hadContainerInAnySlot(d: DesiredContainer, input: ProjectPlanInput): boolean {
  return SLOTS.some((slot) => input.hadContainer.has(placeInSlot(d, slot).rowId));
}

/**
 * Healthy: its healthcheck says so, or, without one, it has run `minReadySeconds`: as
 * long as the state file has seen it running, or as Docker's status says (`Up 2 minutes`).
 */
function isReady(o: OwnedContainer, d: DesiredContainer, input: ProjectPlanInput): boolean {
  if (o.container.state !== 'running') return false;
  if (d.rollout!.healthchecked) return o.container.health === 'healthy';
  const row = input.rows.find((r) => r.containerId === o.container.id && r.state === 'running');
  const since = row?.startedAt ? input.now.getTime() - Date.parse(row.startedAt) : 0;
  return Math.max(Number.isFinite(since) ? since : 0, upForMs(o.container.status)) >= d.rollout!.minReadyMs;
}

const UNIT_MS: Record<string, number> = {
  second: 1000,
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
  week: 604_800_000,
  month: 2_592_000_000,
  year: 31_536_000_000,
};

/** How long Docker's status says a container has been up, at least (`Up 5 seconds (healthy)` -> 5000). */
export function upForMs(status: string): number {
  const match =
    /^Up (?:(Less than a second)|About an? (hour|minute)|(\d+) (second|minute|hour|day|week|month|year)s?)\b/.exec(
      status,
    );
  if (!match || match[1]) return 0;
  return match[2] ? UNIT_MS[match[2]]! : Number(match[3]) * UNIT_MS[match[4]!]!;
}

function routeAction(
  input: ProjectPlanInput,
  stage: string,
  slot: Slot,
  targets: readonly DesiredContainer[],
  containers: readonly OwnedContainer[],
  cause: string,
): Extract<Action, { type: 'route' }> | undefined {
  const domain = targets[0]!.spec.domain;
  if (domain === null) return undefined;
  const upstreams = containers
    .filter((o) => targets.some((d) => d.replica === o.identity.replica))
    .map((o) => o.container.labels[Label.port])
    .filter((port): port is string => port !== undefined)
    .map((port) => `127.0.0.1:${port}`)
    .sort();
  const id = routeIdOf(input.controller, targets[0]!.workloadName, stage);
  return {
    type: 'route',
    workloadId: input.workloadId,
    stage,
    route: { id, domain, upstreams },
    rowIds: targets.map((d) => d.rowId),
    slot,
    cause,
  };
}

function inTarget(wanted: readonly DesiredContainer[], slot: Slot): DesiredContainer[] {
  return wanted.map((d) => placeInSlot(d, slot));
}

/** A stage's container placed in a slot: its row id says which. */
export function placeInSlot(d: DesiredContainer, slot: Slot): DesiredContainer {
  return { ...d, slot, rowId: rowIdOf({ workloadId: d.workloadId, role: d.role, replica: d.replica, slot }) };
}

function rolloutCause(
  serving: readonly OwnedContainer[],
  d: DesiredContainer,
  specs: ReadonlyMap<string, ContainerSpec>,
): string {
  const before = serving[0] ? specs.get(serving[0].identity.specHash) : undefined;
  const changes = before ? specChanges(before, d.spec) : [];
  if (changes.length > 0) return changes.join(', ');
  const image = serving[0]?.container.image;
  return image && image !== d.spec.image ? `image ${image} -> ${d.spec.image}` : 'spec changed';
}

function runningFirst(a: OwnedContainer, b: OwnedContainer): number {
  return Number(b.container.state === 'running') - Number(a.container.state === 'running');
}

function formatMs(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000}m` : ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}
