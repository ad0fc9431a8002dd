import type { Clock } from './clock.js';

/**
 * Self-heal's restart budget (docs/how-it-works.md: The reconcile pass): at most `limit` restarts of one
 * container in `windowMs`; past it the row is left alone (CrashLoop) until the window
 * passes or its spec changes.
 */
export class RestartBudget {
  readonly #history = new Map<string, number[]>();

  constructor(
    private readonly clock: Clock,
    private readonly limit = 5,
    private readonly windowMs = 5 * 60_000,
  ) {}

  /** Whether `rowId` may be restarted now. */
  allows(rowId: string): boolean {
    return this.#recent(rowId).length < this.limit;
  }

  /**
   * Records a restart that happened. Only successful restarts count: a start that
   * failed (an engine shutting down, say) is the work queue's backoff's business.
   */
  record(rowId: string): void {
    const recent = this.#recent(rowId);
    recent.push(this.clock.now().getTime());
    this.#history.set(rowId, recent);
  }

  /** Records a restart and answers true, or answers false when the budget is spent. */
  take(rowId: string): boolean {
    if (!this.allows(rowId)) return false;
    this.record(rowId);
    return true;
  }

  #recent(rowId: string): number[] {
    const now = this.clock.now().getTime();
    return (this.#history.get(rowId) ?? []).filter((t) => now - t < this.windowMs);
  }

  /** Forgets a row's restarts (its spec changed: a new container deserves a new budget). */
  reset(rowId: string): void {
    this.#history.delete(rowId);
  }
}
