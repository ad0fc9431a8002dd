import type { Action } from './plan.js';

/**
 * Where a pass says what it does while it does it (`run --once` on a terminal). The pass
 * only calls it; the words and where they go are the caller's. Its methods must neither
 * throw nor wait.
 */
export interface Progress {
  /** An action begins: the `index`th (from 1) of the `total` this pass applies. */
  begin(action: Action, index: number, total: number): void;
  /** That action finished (a failed one is reported by the pass, not here). */
  done(action: Action): void;
  /** That action failed (what went wrong is the pass's to report): its workload does no more this pass. */
  failed?(action: Action): void;
}
