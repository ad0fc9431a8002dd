import { Label } from '../api/labels.js';
import type { ContainerRow } from '../api/state-types.js';
import type { OwnedContainer } from './classify.js';
import type { DesiredContainer, Slot } from './desired.js';
import type { Action } from './plan.js';
import type { ProjectPlanInput } from './project-plan.js';
import { routeIdOf, routesOf, sameRoute } from './route-provider.js';
import { otherSlot } from './slots.js';

type RouteAction = Extract<Action, { type: 'route' }>;

/**
 * The route to set once a stage's slot is healthy: when it switches from the other slot,
 * when its rows have no route recorded, or when the proxy lost it; else none.
 */
export function routeToSet(
  input: ProjectPlanInput,
  stage: string,
  slot: Slot,
  targets: readonly DesiredContainer[],
  containers: readonly OwnedContainer[],
  switching: boolean,
): RouteAction | undefined {
  const cause = switching ? `${slot} is healthy: switching from ${otherSlot(slot)}` : `${slot} is healthy`;
  const route = routeAction(input, stage, slot, targets, containers, cause);
  if (route === undefined) return undefined;
  if (switching || unrecorded(input.rows, targets)) return route;
  // Level-triggered like the containers: a route the proxy lost (it restarted) is set again.
  if (proxyLost(input.routes, route)) return { ...route, cause: 'the proxy does not hold it' };
  return undefined;
}

/** The routes of these rows removed, for one cause (the stage or its domain went). */
export function unrouteRows(workloadId: string, rows: readonly ContainerRow[], cause: string): Action[] {
  return routesOf(rows).map((routeId): Action => ({ type: 'unroute', workloadId, routeId, cause }));
}

function routeAction(
  input: ProjectPlanInput,
  stage: string,
  slot: Slot,
  targets: readonly DesiredContainer[],
  containers: readonly OwnedContainer[],
  cause: string,
): RouteAction | undefined {
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

function unrecorded(rows: readonly ContainerRow[], targets: readonly DesiredContainer[]): boolean {
  return targets.some((d) => !rows.some((r) => r.id === d.rowId && r.routeId !== null));
}

/** Whether the proxy, when it can say, does not hold this route as it should be. */
function proxyLost(held: ProjectPlanInput['routes'], route: RouteAction): boolean {
  if (held === undefined) return false;
  const current = held.get(route.route.id);
  return current === undefined || !sameRoute(current, route.route);
}
