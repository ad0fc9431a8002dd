import type { ContainerRow } from '../api/state-types.js';
import type { OwnedContainer } from './classify.js';
import type { DesiredContainer } from './desired.js';
import { rowIdOf } from './ownership.js';
import type { Action } from './plan.js';
import { routeIdOf, routesOf, sameRoute } from './route-provider.js';
import type { Route } from './route-provider.js';

export interface ContainerRoutesInput {
  workloadId: string;
  controller: string;
  desired: readonly DesiredContainer[];
  owned: readonly OwnedContainer[];
  /** The workload's rows in the state file: which route each is behind. */
  rows: readonly ContainerRow[];
  /** The routes the proxy holds, when it can say. */
  held: ReadonlyMap<string, Route> | undefined;
  /** Containers of the workload are created, recreated or removed this pass: routes wait for the next. */
  changing: boolean;
}

export interface ContainerRoutes {
  actions: Action[];
  /** A route waits for containers this pass creates: look again soon. */
  pending: boolean;
}

/**
 * The routes of a workload that converges container by container (Image, Stack,
 * Compose, Static): one per role with a `domain`, to the running containers of its
 * current spec (docs/how-it-works.md: Routes). Set when it is not recorded on the rows
 * or the proxy does not hold it as it should be; removed with the domain or the role.
 */
export function planContainerRoutes(input: ContainerRoutesInput): ContainerRoutes {
  const result: ContainerRoutes = { actions: [], pending: false };
  const roles = new Map<string, DesiredContainer[]>();
  for (const d of input.desired) roles.set(d.role, [...(roles.get(d.role) ?? []), d]);
  for (const [role, wanted] of roles) planRole(role, wanted, input, result);
  for (const routeId of routesOf(input.rows.filter((r) => !roles.has(r.role))))
    result.actions.push({ type: 'unroute', workloadId: input.workloadId, routeId, cause: 'service removed' });
  return result;
}

function planRole(
  role: string,
  wanted: readonly DesiredContainer[],
  input: ContainerRoutesInput,
  out: ContainerRoutes,
) {
  const { workloadId } = input;
  const domain = wanted[0]!.spec.domain;
  const rows = input.rows.filter((r) => r.role === role);
  if (domain === null) {
    for (const routeId of routesOf(rows))
      out.actions.push({ type: 'unroute', workloadId, routeId, cause: 'domain removed' });
    return;
  }
  if (input.changing) {
    out.pending = true;
    return;
  }
  const behind = upstreamsOf(wanted, input.owned);
  if (behind.size === 0) return;
  const upstreams = [...new Set(behind.values())].sort();
  const route: Route = { id: routeIdOf(input.controller, wanted[0]!.workloadName, role), domain, upstreams };
  // Only the rows a running container stands behind are behind the route.
  const rowIds = [...behind.keys()];
  const unrecorded = rowIds.some((id) => !rows.some((r) => r.id === id && r.routeId === route.id));
  const held = input.held?.get(route.id);
  const lost = input.held !== undefined && (held === undefined || !sameRoute(held, route));
  if (!unrecorded && !lost) return;
  const cause = unrecorded ? `${domain} to ${upstreams.join(', ')}` : 'the proxy does not hold it';
  out.actions.push({ type: 'route', workloadId, stage: role, route, rowIds, slot: null, cause });
}

/** The upstream of each wanted row whose running container at the current spec has one, by row id. */
function upstreamsOf(wanted: readonly DesiredContainer[], owned: readonly OwnedContainer[]): Map<string, string> {
  const behind = new Map<string, string>();
  for (const d of wanted) {
    const o = owned.find(
      (c) => rowIdOf(c.identity) === d.rowId && c.identity.specHash === d.hash && c.container.state === 'running',
    );
    const upstream = o ? upstreamOf(d, o) : null;
    if (upstream !== null) behind.set(d.rowId, upstream);
  }
  return behind;
}

/**
 * A container's first port as seen from the host: its published port (as asked, or as
 * Docker chose it), or on the host network the port the program listens on; at its
 * node's address when it runs on another node of a Swarm cluster. Null: there
 * is nothing to route to (no port published, or the network is `none`).
 */
export function upstreamOf(d: DesiredContainer, o: OwnedContainer): string | null {
  const [first] = d.spec.ports;
  if (first) {
    const port = first.host ?? o.container.ports[0];
    return port === undefined ? null : `${o.container.address ?? loopbackFor(first.hostIP)}:${port}`;
  }
  return d.spec.network === 'host' && d.listenPort !== null
    ? `${o.container.address ?? '127.0.0.1'}:${d.listenPort}`
    : null;
}

/** A port published on every address is reached on loopback. */
function loopbackFor(hostIP: string): string {
  return hostIP === '' || hostIP === '0.0.0.0' || hostIP === '::' ? '127.0.0.1' : hostIP;
}
