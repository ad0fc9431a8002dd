import v8 from 'node:v8';
import vm from 'node:vm';
import { setV8Flag } from './compile-cache.js';

let collect: (() => void) | undefined | null;

/**
 * A full, compacting garbage collection, so the long-running controller gives back to
 * the system what a burst (a full resync over many manifests) left behind. V8 keeps a
 * heap it has grown; between ticks the controller holds little. Best effort: where the
 * runtime does not allow it, nothing happens.
 */
export function releaseMemory(): void {
  if (collect === undefined) {
    try {
      v8.setFlagsFromString('--expose-gc');
      collect = vm.runInNewContext('gc') as () => void;
    } catch {
      collect = null;
    }
  }
  collect?.();
}

/**
 * V8 doubles its young generation (up to 32 MB for its two halves) whenever what it
 * allocates survives its collections, as the list of 1,000 containers does during a
 * full pass, and keeps it grown until an idle collection. For the long-running
 * controller that buys nothing measurable (a 1,000-workload pass took as long either
 * way) and costs some 30 MB of resident memory: `run` keeps the young generation at its
 * starting size. V8 reads it at each collection, so it applies even set at run time,
 * from then on: set it before the controller's modules load.
 */
export function keepYoungGenerationSmall(): void {
  setV8Flag('--semi-space-growth-factor=1');
}
