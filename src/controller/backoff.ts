import { doublingDelay } from '../api/units.js';

/** Per-key exponential backoff: 1 s, doubling, capped at 5 minutes; reset by success. */
export class Backoff {
  readonly #failures = new Map<string, number>();

  constructor(
    private readonly baseMs = 1000,
    private readonly maxMs = 5 * 60_000,
  ) {}

  /** Records a failure and answers how long to wait before the next try. */
  next(key: string): number {
    const failures = (this.#failures.get(key) ?? 0) + 1;
    this.#failures.set(key, failures);
    return doublingDelay(failures, this.baseMs, this.maxMs);
  }

  reset(key: string): void {
    this.#failures.delete(key);
  }

  failures(key: string): number {
    return this.#failures.get(key) ?? 0;
  }
}
