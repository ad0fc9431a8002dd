import { realTimers } from '../api/timers.js';
import type { Timers } from '../api/timers.js';

/** Calls `fn` once a burst of `trigger()` calls has been quiet for `quietMs`. */
export class Debouncer {
  #timer: unknown;

  constructor(
    private readonly fn: () => void,
    private readonly quietMs: number,
    private readonly timers: Timers = realTimers,
  ) {}

  trigger(): void {
    if (this.#timer !== undefined) this.timers.clearTimeout(this.#timer);
    this.#timer = this.timers.setTimeout(() => {
      this.#timer = undefined;
      this.fn();
    }, this.quietMs);
  }

  cancel(): void {
    if (this.#timer !== undefined) this.timers.clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
