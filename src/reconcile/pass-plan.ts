import type { ObservedContainer } from '../api/observed-container.js';
import { lazyMap, lazySet } from './lazy.js';
import type { Lookup } from './lazy.js';
import type { ControllerState } from '../api/state-types.js';
import type { ContainerSpec } from './container-spec.js';
import type { DesiredContainer } from './desired.js';
import type { PassInput } from './pass-input.js';
import type { PassScope } from './pass-scope.js';
import { planActions } from './plan.js';
import { entryOf, entryOfLine } from './plan-entry.js';
import type { PlanEntry } from './plan-entry.js';
import type { Plan } from './plan.js';
import { planContainerRoutes } from './container-routes.js';
import { planProject } from './project-rollout.js';
import type { ProjectPlan } from './project-rollout.js';
import { recordOnlyRoutes, routesOf } from './route-provider.js';
import type { Route } from './route-provider.js';
import { planSelfRollouts } from './self-rollout.js';
import type { RoleRecords } from './self-rollout.js';

/** What a pass decided: the actions in order, with the Project rollouts and what each workload is measured against. */
export interface PassPlan extends Plan {
  /** What the plan changes, one entry per line it prints (a backend that describes its own changes: one per line). */
  entries: PlanEntry[];
  projects: ReadonlyMap<string, ProjectPlan>;
  /**
   * The containers each converged workload is counted against: its desired containers,
   * and for a Project those of the slots its stages serve or roll out to.
   */
  target: ReadonlyMap<string, readonly DesiredContainer[]>;
  /**
   * What the backend deploys for each workload: the target, except on a backend that
   * rolls out by itself, where a role whose wanted spec was rolled back keeps the one it runs.
   */
  deploy: ReadonlyMap<string, readonly DesiredContainer[]>;
  /** Every spec known by hash: the state file's and this pass's. */
  specs: Lookup<string, ContainerSpec>;
  /** Workloads whose route waits for the containers this pass creates: look again soon. */
  routePending: readonly string[];
  /** On a backend that rolls out by itself: each workload's rollout records by role, as the first read shows them. */
  rollouts: ReadonlyMap<string, RoleRecords> | undefined;
}

/**
 * Plans the pass: Project stages roll out blue-green, every other kind converges
 * container by container, and orphans are pruned (a pruned Project's routes first). On a
 * backend that rolls out by itself every kind converges container by container, less the
 * roles it is rolling out or rolled back (see self-rollout.ts).
 */
export async function planPass(
  input: PassInput,
  scope: PassScope,
  snapshot: readonly ObservedContainer[],
): Promise<PassPlan> {
  const { previous, deps } = input;
  const specs = lazyMap(() => knownSpecs(previous, scope.desired));
  const hadContainer = lazySet(() => rowsThatHadContainers(previous));
  const heldRoutes = await routesHeld(input, scope);
  const projects = new Map<string, ProjectPlan>();
  const seen = input.session.rollouts?.();
  for (const [id, list] of scope.desired) {
    if (seen || scope.valid.get(id)?.kind !== 'Project') continue;
    const before = previous.workloads[id];
    const project = planProject({
      workloadId: id,
      controller: deps.controller,
      desired: list,
      owned: scope.classified.owned.get(id) ?? [],
      rows: before?.containers ?? [],
      rollouts: before?.rollouts,
      now: deps.clock.now(),
      hadContainer,
      mayHeal: deps.mayHeal,
      specs,
      routes: heldRoutes,
    });
    projects.set(id, project);
  }
  // Without Projects (the usual case) both are the desired containers as they are: no copies per pass.
  const containerwise =
    projects.size === 0 ? scope.desired : new Map([...scope.desired].filter(([id]) => !projects.has(id)));
  const target =
    projects.size === 0
      ? scope.desired
      : new Map([...scope.desired].map(([id, list]) => [id, projects.get(id)?.target ?? list] as const));
  const self = seen && planSelfRollouts(previous, containerwise, scope.classified.owned, seen, specs);
  const plan = planActions({
    desired: self ? self.desired : containerwise,
    owned: self ? self.owned : scope.classified.owned,
    prune: scope.prune,
    snapshot,
    specs,
    hadContainer,
    mayHeal: deps.mayHeal,
  });
  // A pruned Project's routes go before its containers.
  for (const id of scope.prune)
    for (const routeId of routesOf(previous.workloads[id]?.containers ?? []))
      plan.actions.unshift({ type: 'unroute', workloadId: id, routeId, cause: 'manifest deleted' });
  const routePending = planRoutes(input, scope, containerwise, plan, heldRoutes);
  for (const project of projects.values()) {
    plan.actions.push(...project.actions);
    for (const rowId of project.crashLooping) plan.crashLooping.add(rowId);
  }
  const deploy = self ? self.desired : target;
  const described = input.session.describe?.(plan.actions, specs, deploy);
  const entries = described ? described.map(entryOfLine) : plan.actions.map(entryOf);
  return { ...plan, entries, projects, target, deploy, specs, routePending, rollouts: self ? self.records : undefined };
}

/** The routes of the workloads that converge container by container, after their containers' actions. */
function planRoutes(
  input: PassInput,
  scope: PassScope,
  containerwise: ReadonlyMap<string, readonly DesiredContainer[]>,
  plan: Plan,
  held: ReadonlyMap<string, Route> | undefined,
): string[] {
  const changing = new Set(plan.actions.map((a) => a.workloadId));
  const pending: string[] = [];
  for (const [id, desired] of containerwise) {
    const rows = input.previous.workloads[id]?.containers ?? [];
    // Most workloads have no domain and no route: nothing to plan.
    if (!desired.some((d) => d.spec.domain !== null) && !rows.some((r) => r.routeId !== null)) continue;
    const routes = planContainerRoutes({
      workloadId: id,
      controller: input.deps.controller,
      desired,
      owned: scope.classified.owned.get(id) ?? [],
      rows,
      held,
      changing: changing.has(id) && !plan.blocked.has(id),
    });
    plan.actions.push(...routes.actions);
    if (routes.pending) pending.push(id);
  }
  return pending;
}

/** What the proxy holds, read once (not an engine call); a proxy that does not answer now is left for the actions to find. */
async function routesHeld(input: PassInput, scope: PassScope): Promise<ReadonlyMap<string, Route> | undefined> {
  const routed = [...scope.desired.values()].some((list) => list.some((d) => d.spec.domain !== null));
  if (!routed) return undefined;
  return (input.deps.routes ?? recordOnlyRoutes).list().catch(() => undefined);
}

function knownSpecs(
  previous: ControllerState,
  desired: ReadonlyMap<string, readonly DesiredContainer[]>,
): Map<string, ContainerSpec> {
  const specs = new Map<string, ContainerSpec>();
  for (const status of Object.values(previous.workloads))
    for (const [hash, spec] of Object.entries(status.applied ?? {})) specs.set(hash, spec as ContainerSpec);
  for (const list of desired.values()) for (const d of list) specs.set(d.hash, d.spec);
  return specs;
}

/** Row ids that had a container before: a missing one vanished. */
function rowsThatHadContainers(previous: ControllerState): Set<string> {
  return new Set(
    Object.values(previous.workloads).flatMap((w) =>
      w.containers.filter((r) => r.containerId !== null).map((r) => r.id),
    ),
  );
}
