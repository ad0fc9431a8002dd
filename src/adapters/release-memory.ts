import v8 from 'node:v8';
import vm from 'node:vm';

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
