import type { Route, RouteProvider } from '../../src/reconcile/route-provider.js';

/** A reverse proxy in memory: what it holds is what was applied and not removed. */
export class MemoryRoutes implements RouteProvider {
  held = new Map<string, Route>();
  async apply(route: Route): Promise<void> {
    this.held.set(route.id, route);
  }
  async remove(id: string): Promise<void> {
    this.held.delete(id);
  }
  async list(): Promise<ReadonlyMap<string, Route>> {
    return new Map(this.held);
  }
}
