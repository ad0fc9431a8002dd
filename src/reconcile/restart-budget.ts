import type { Clock } from './clock.js';

/**
 * Self-heal's restart budget (DESIGN.md section 4): at most `limit` restarts of one
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

  /** Records a restart of `rowId` and answers true, or answers false when the budget is spent. */
  take(rowId: string): boolean {
    const now = this.clock.now().getTime();
    const recent = (this.#history.get(rowId) ?? []).filter((t) => now - t < this.windowMs);
    if (recent.length >= this.limit) {
      this.#history.set(rowId, recent);
      return false;
    }
    recent.push(now);
    this.#history.set(rowId, recent);
    return true;
  }

  /** Forgets a row's restarts (its spec changed: a new container deserves a new budget). */
  reset(rowId: string): void {
    this.#history.delete(rowId);
  }
}
