import vm from 'node:vm';
import { setV8Flag } from './compile-cache.js';

let collect: (() => void) | undefined | null;

/** What releaseMemory needs of V8 (gc() in a new context). */
const EXPOSE_GC = '--expose-gc';

/**
 * A full, compacting garbage collection, so the long-running controller gives back to
 * the system what a burst (a full resync over many manifests) left behind. V8 keeps a
 * heap it has grown; between ticks the controller holds little. Best effort: where the
 * runtime does not allow it, nothing happens.
 */
export function releaseMemory(): void {
  if (collect === undefined) {
    try {
      setV8Flag(EXPOSE_GC);
      collect = vm.runInNewContext('gc') as () => void;
    } catch {
      collect = null;
    }
  }
  collect?.();
}

/**
 * The long-running controller's V8 flags, set before its code compiles. V8 doubles its
 * young generation (up to 32 MB for its two halves) whenever what it allocates survives
 * its collections, as the list of 1,000 containers does during a full pass, and keeps it
 * grown until an idle collection. For the controller that buys nothing measurable (a
 * 1,000-workload pass took as long either way) and costs some 30 MB of resident memory:
 * it keeps the young generation at its starting size (V8 reads it at each collection, so
 * it applies even set at run time, from then on). releaseMemory's flag is set now too:
 * code cached at exit under a flag set after the code compiled would be refused by the
 * next start.
 */
export function setControllerV8Flags(): void {
  setV8Flag('--semi-space-growth-factor=1');
  setV8Flag(EXPOSE_GC);
}
