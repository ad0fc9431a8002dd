import type { PortAllocator } from './route-provider.js';

/** `--port-range`: where Project slots get their host ports (default 20000-29999). */
export interface PortRange {
  first: number;
  last: number;
}

export const DEFAULT_PORT_RANGE: PortRange = { first: 20000, last: 29999 };

/**
 * The lowest port of the range that is neither taken (by a container the snapshot shows,
 * or given out earlier in this tick) nor in use on the host, as `isFree` finds.
 */
export function portAllocator(range: PortRange, isFree: (port: number) => Promise<boolean> = async () => true): PortAllocator {
  return {
    async allocate(taken) {
      for (let port = range.first; port <= range.last; port++) {
        if (!taken.has(port) && (await isFree(port))) return port;
      }
      throw new Error(`no free port left in --port-range ${range.first}-${range.last}`);
    },
  };
}
