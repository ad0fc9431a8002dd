import type { ExecuteResult } from './execute-result.js';
import type { Action } from './plan.js';
import { Reason } from './reasons.js';
import { recordOnlyRoutes } from './route-provider.js';
import type { RouteProvider } from './route-provider.js';

/**
 * Sets or removes one route through the proxy (default: routes only recorded) and
 * records it in the result, for every backend alike. Answers the event's reason; a
 * proxy that fails throws, failing its workload's rollout step for this pass.
 */
export async function applyRouteAction(
  action: Extract<Action, { type: 'route' | 'unroute' }>,
  routes: RouteProvider | undefined,
  result: ExecuteResult,
): Promise<string> {
  const provider = routes ?? recordOnlyRoutes;
  if (action.type === 'route') {
    await provider.apply(action.route);
    result.routed.push({ workloadId: action.workloadId, routeId: action.route.id, rowIds: action.rowIds });
    return Reason.RouteSet;
  }
  await provider.remove(action.routeId);
  result.unrouted.push({ workloadId: action.workloadId, routeId: action.routeId });
  return Reason.RouteRemoved;
}
