import type { PortAllocator } from './route-provider.js';

/** `--port-range`: where Project slots get their host ports (default 20000-29999). */
export interface PortRange {
  first: number;
  last: number;
}

export const DEFAULT_PORT_RANGE: PortRange = { first: 20000, last: 29999 };

/**
 * The lowest port of the range that is neither taken (by a container the snapshot shows,
 * or given out earlier in this tick) nor in use on the host, as `isFree` finds. A port it
 * gave out is not given again until a snapshot shows its container: ticks that run at
 * once (the daemon's workers) do not see each other's new containers, and a slot's
 * program may not listen yet.
 */
export function portAllocator(
  range: PortRange,
  isFree: (port: number) => Promise<boolean> = async () => true,
): PortAllocator {
  const given = new Set<number>();
  return {
    async allocate(taken) {
      for (const port of given) if (taken.has(port)) given.delete(port);
      for (let port = range.first; port <= range.last; port++) {
        if (taken.has(port) || given.has(port) || !(await isFree(port))) continue;
        given.add(port);
        return port;
      }
      throw new Error(`no free port left in --port-range ${range.first}-${range.last}`);
    },
  };
}
