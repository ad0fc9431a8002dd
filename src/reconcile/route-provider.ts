import type { ContainerRow } from '../api/state-types.js';
import { roleName } from './owned-name-prefix.js';

/** A reverse-proxy route: requests for `domain` go to one of `upstreams` (`127.0.0.1:PORT`). */
export interface Route {
  /** Stable per workload stage: the route is replaced in place when its slot changes. */
  id: string;
  domain: string;
  upstreams: string[];
}

/**
 * tinyforge's way to a reverse proxy (`--routes`). Every call has a timeout; a failed
 * call fails the rollout step that made it, which is tried again on the next tick.
 */
export interface RouteProvider {
  /** Creates the route, or replaces the route with that id. */
  apply(route: Route): Promise<void>;
  /** Removes the route; an unknown id counts as removed. */
  remove(id: string): Promise<void>;
  /**
   * The routes the proxy holds now, by id, so that one it lost (a restarted proxy) is set
   * again; undefined when the provider cannot say (routes only recorded).
   */
  list(): Promise<ReadonlyMap<string, Route> | undefined>;
}

/** `--routes none`: routes are only recorded in the state file. */
export const recordOnlyRoutes: RouteProvider = {
  async apply() {},
  async remove() {},
  async list() {
    return undefined;
  },
};

/** `tf-shop-production`: one route per Project stage (another controller's name prefixes it). */
export function routeIdOf(controller: string, workloadName: string, stage: string): string {
  return roleName(controller, workloadName, stage);
}

/** Whether the proxy holds a route as it should be: the same domain to the same upstreams. */
export function sameRoute(held: Route, route: Route): boolean {
  return held.domain === route.domain && held.upstreams.join() === route.upstreams.join();
}

/** The routes rows are behind (one per Project stage, or per service with a domain). */
export function routesOf(rows: readonly ContainerRow[]): string[] {
  return [...new Set(rows.map((r) => r.routeId).filter((id): id is string => id !== null))].sort();
}

/**
 * Finds free host ports for Project slots. `taken` holds the ports the snapshot shows in
 * use and those given out in this tick; the allocator also checks that the port is free
 * on the host.
 */
export interface PortAllocator {
  allocate(taken: ReadonlySet<number>): Promise<number>;
}
