import type { ObservedContainer } from '../api/observed-container.js';
import type { Lookup, Membership } from './lazy.js';
import type { OwnedContainer } from './classify.js';
import type { ContainerSpec } from './container-spec.js';
import type { DesiredContainer, Slot } from './desired.js';
import type { Route } from './route-provider.js';
import { rowIdOf } from './ownership.js';
import { causesOf, specFieldChanges } from './spec-changes.js';
import type { SpecChange } from './spec-changes.js';
import { createOrCrashLoop, removeAction, startOrCrashLoop } from './heal.js';
import type { HealSink } from './heal.js';

export type Action =
  | {
      type: 'create';
      workloadId: string;
      desired: DesiredContainer;
      cause: string;
      selfHeal: boolean;
      changes?: SpecChange[];
    }
  | { type: 'start'; workloadId: string; rowId: string; container: ObservedContainer; cause: string }
  | {
      type: 'recreate';
      workloadId: string;
      desired: DesiredContainer;
      old: ObservedContainer[];
      startFirst: boolean;
      cause: string;
      /** The fields that differ, with old and new values (env files masked): the plan's detail lines. */
      changes?: SpecChange[];
    }
  | {
      type: 'remove';
      workloadId: string;
      rowId: string;
      container: ObservedContainer;
      cause: string;
      prune: boolean;
      changes?: SpecChange[];
    }
  | {
      type: 'route';
      workloadId: string;
      /** The Project stage or the service (role) behind the route. */
      stage: string;
      route: Route;
      rowIds: string[];
      /** A Project stage's slot; null for kinds without slots. */
      slot: Slot | null;
      cause: string;
    }
  | { type: 'unroute'; workloadId: string; routeId: string; cause: string };

export interface PlanInput {
  /** Desired containers of the workloads to converge, by workload id. */
  desired: ReadonlyMap<string, readonly DesiredContainer[]>;
  /** Owned containers by workload id. */
  owned: ReadonlyMap<string, readonly OwnedContainer[]>;
  /** Workloads whose containers are pruned (their manifest is gone and pruning is allowed). */
  prune: ReadonlySet<string>;
  /** Every container of the snapshot, foreign ones included: names and ports in use. */
  snapshot: readonly ObservedContainer[];
  /** Specs known by hash, to say what changed. */
  specs: Lookup<string, ContainerSpec>;
  /** Row ids that had a container before: a missing one vanished. */
  hadContainer: Membership<string>;
  /** Whether self-heal may restart this row now (the restart budget). */
  mayHeal: (rowId: string) => boolean;
}

export interface Plan {
  actions: Action[];
  /** Per workload, a problem found while planning (a foreign container holds the name). */
  blocked: Map<string, string>;
  /** Rows held back by the restart budget. */
  crashLooping: Set<string>;
}

/**
 * Compares desired with owned containers and lists the actions that converge them,
 * each with a cause a person can read. Pure: the same input gives the same plan, and
 * `plan` prints exactly what `run` would apply.
 */
export function planActions(input: PlanInput): Plan {
  const plan: Plan = { actions: [], blocked: new Map(), crashLooping: new Set() };
  // Indexed once, when first needed: looking names up per desired container would make a tick quadratic.
  let index: Map<string, ObservedContainer[]> | undefined;
  const byName = () => {
    if (!index) {
      index = new Map();
      for (const c of input.snapshot) index.set(c.name, [...(index.get(c.name) ?? []), c]);
    }
    return index;
  };
  for (const [workloadId, desired] of input.desired) {
    const owned = input.owned.get(workloadId) ?? [];
    if (!inSync(desired, owned)) planWorkload(workloadId, desired, owned, input, byName(), plan);
  }
  for (const workloadId of [...input.prune].sort())
    for (const owned of sortForRemoval(input.owned.get(workloadId) ?? []))
      plan.actions.push(removeAction(owned, 'manifest deleted', true));
  return plan;
}

function planWorkload(
  workloadId: string,
  desired: readonly DesiredContainer[],
  owned: readonly OwnedContainer[],
  input: PlanInput,
  byName: ReadonlyMap<string, readonly ObservedContainer[]>,
  plan: Plan,
): void {
  const desiredIds = new Set(desired.map((d) => d.rowId));
  const byRow = new Map<string, OwnedContainer[]>();
  for (const item of owned) {
    const rowId = rowIdOf(item.identity);
    byRow.set(rowId, [...(byRow.get(rowId) ?? []), item]);
  }
  const removals: Action[] = [];
  const rest: Action[] = [];
  const heal: HealSink = { workloadId, mayHeal: input.mayHeal, actions: rest, crashLooping: plan.crashLooping };

  // Surplus: replicas scaled away and services removed, highest replica first.
  const surplus = owned.filter((o) => !desiredIds.has(rowIdOf(o.identity)));
  const desiredRoles = new Set(desired.map((d) => d.role));
  const scaledAway: { role: string; action: Action }[] = [];
  for (const owned of sortForRemoval(surplus)) {
    const { role } = owned.identity;
    const cause = desiredRoles.has(role)
      ? `scaled down to ${desired.filter((d) => d.role === role).length}`
      : `service ${role} removed`;
    const removal = removeAction(owned, cause);
    removals.push(removal);
    if (desiredRoles.has(role)) scaledAway.push({ role, action: removal });
  }

  for (const d of desired) {
    const mine = byRow.get(d.rowId) ?? [];
    const current = mine.filter((o) => o.identity.specHash === d.hash).sort(newestFirst);
    const stale = mine.filter((o) => o.identity.specHash !== d.hash);
    const holder = (byName.get(d.name) ?? []).find((c) => !mine.some((o) => o.container.id === c.id));
    if (current.length > 0) {
      const [keep, ...duplicates] = preferRunning(current);
      for (const dup of duplicates) removals.push(removeAction(dup, `duplicate of ${keep!.container.name}`));
      // Left over by an interrupted start-first update: the new container is there already.
      for (const old of stale) removals.push(removeAction(old, 'replaced by an updated container'));
      startOrCrashLoop(d.rowId, keep!.container, heal);
      continue;
    }
    if (holder) {
      plan.blocked.set(
        workloadId,
        `container name ${d.name} is taken by a container tinyforge does not own (${holder.id.slice(0, 12)})`,
      );
      continue;
    }
    if (stale.length > 0) {
      const old = stale.map((s) => s.container);
      const { cause, changes } = recreateCause(input.specs.get(stale[0]!.identity.specHash), old[0]!, d);
      const startFirst = d.strategy === 'start-first' && !d.spec.ports.some((p) => p.host !== null);
      rest.push({ type: 'recreate', workloadId, desired: d, old, startFirst, cause, changes });
      continue;
    }
    createOrCrashLoop(d, input.hadContainer.has(d.rowId), heal);
  }
  noteReplicaChanges(desired, scaledAway, rest);
  plan.actions.push(...removals, ...rest);
}

/**
 * `replicas: 2 -> 3` on the creates of new replicas and the removes of surplus ones, per
 * role: what the count was is what is wanted, less the new ones, plus the surplus. A
 * workload's first containers are not a change of count.
 */
function noteReplicaChanges(
  desired: readonly DesiredContainer[],
  scaledAway: readonly { role: string; action: Action }[],
  rest: Action[],
): void {
  for (const role of new Set(desired.map((d) => d.role))) {
    const up = rest.filter((a) => a.type === 'create' && !a.selfHeal && a.desired.role === role);
    const down = scaledAway.filter((s) => s.role === role).map((s) => s.action);
    const wanted = desired.filter((d) => d.role === role).length;
    const had = wanted - up.length + down.length;
    if (had === 0 || had === wanted) continue;
    for (const action of [...up, ...down])
      if (action.type === 'create' || action.type === 'remove')
        action.changes = [{ path: 'replicas', old: had, new: wanted }];
  }
}

/** What differs between the old container's spec (when known) and the new one: field by field, or the image. */
function recreateCause(
  before: ContainerSpec | undefined,
  old: ObservedContainer,
  desired: DesiredContainer,
): { cause: string; changes: SpecChange[] } {
  const changes = before ? specFieldChanges(before, desired.spec) : [];
  if (changes.length > 0) return { cause: causesOf(changes).join(', '), changes };
  if (old.image !== desired.spec.image)
    return {
      cause: `image ${old.image} -> ${desired.spec.image}`,
      changes: [{ path: 'image', old: old.image, new: desired.spec.image }],
    };
  return { cause: 'spec changed', changes: [] };
}

/** Exactly one running container per desired one, at its spec: nothing to do (the quiet tick's usual case). */
function inSync(desired: readonly DesiredContainer[], owned: readonly OwnedContainer[]): boolean {
  return (
    owned.length === desired.length &&
    desired.every((d) =>
      owned.some(
        (o) => o.container.state === 'running' && o.identity.specHash === d.hash && rowIdOf(o.identity) === d.rowId,
      ),
    )
  );
}

function newestFirst(a: OwnedContainer, b: OwnedContainer): number {
  return b.container.created - a.container.created;
}

function preferRunning(list: OwnedContainer[]): OwnedContainer[] {
  const running = list.filter((o) => o.container.state === 'running');
  return [...running, ...list.filter((o) => o.container.state !== 'running')];
}

/** Highest replica first, so scaling down keeps replicas 1..N. */
function sortForRemoval(list: readonly OwnedContainer[]): OwnedContainer[] {
  return [...list].sort(
    (a, b) => b.identity.replica - a.identity.replica || (a.identity.role < b.identity.role ? -1 : 1),
  );
}

/** `image/web#2`, `stack/app:worker#1`, `project/shop:production#1 (green)`: how an action's target reads. */
export function targetName(workloadId: string, rowId: string): string {
  const [role, replica, slot] = rowId.slice(workloadId.length + 1).split(':');
  const target = `${roleTarget(workloadId, role!)}#${replica}`;
  return slot ? `${target} (${slot})` : target;
}

/** `image/web`, `stack/app:worker`: a workload's role, named only where the kind has several. */
function roleTarget(workloadId: string, role: string): string {
  return role === workloadId.split('/')[0] ? workloadId : `${workloadId}:${role}`;
}

/** One plan line: `+ create image/web#1: new replica`, `~ recreate image/web#2: env.FOO changed`. */
export function describeAction(action: Action): string {
  return `${PLAN_VERB[action.type]} ${actionTarget(action)}: ${action.cause}`;
}

const PLAN_VERB: Record<Action['type'], string> = {
  create: '+ create',
  start: '~ start',
  recreate: '~ recreate',
  remove: '- remove',
  route: '~ route',
  unroute: '- route',
};

/** What an action acts on: `image/web#1`, `app.example.com -> project/app:web (green)`, `r1 of project/app`. */
export function actionTarget(action: Action): string {
  switch (action.type) {
    case 'create':
    case 'recreate':
      return targetName(action.workloadId, action.desired.rowId);
    case 'start':
    case 'remove':
      return targetName(action.workloadId, action.rowId);
    case 'route': {
      const target = action.slot
        ? `${action.workloadId}:${action.stage} (${action.slot})`
        : roleTarget(action.workloadId, action.stage);
      return `${action.route.domain} -> ${target}`;
    }
    case 'unroute':
      return `${action.routeId} of ${action.workloadId}`;
  }
}
