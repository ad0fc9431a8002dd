/**
 * Many shared holders or one exclusive holder: workload reconciles share, a full resync
 * (which may act on any workload) runs alone, so no two passes act on one workload.
 */
export class ExclusiveLock {
  #shared = 0;
  #exclusive = false;
  #waiting: { exclusive: boolean; resolve: () => void }[] = [];

  async shared<T>(fn: () => Promise<T>): Promise<T> {
    await this.#acquire(false);
    try {
      return await fn();
    } finally {
      this.#shared--;
      this.#wake();
    }
  }

  async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    await this.#acquire(true);
    try {
      return await fn();
    } finally {
      this.#exclusive = false;
      this.#wake();
    }
  }

  #acquire(exclusive: boolean): Promise<void> {
    // A waiting exclusive holder goes first, so a steady stream of shared work cannot starve it.
    const free = exclusive
      ? !this.#exclusive && this.#shared === 0
      : !this.#exclusive && !this.#waiting.some((w) => w.exclusive);
    if (free && this.#waiting.length === 0) {
      if (exclusive) this.#exclusive = true;
      else this.#shared++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#waiting.push({ exclusive, resolve }));
  }

  #wake(): void {
    while (this.#waiting.length > 0 && !this.#exclusive) {
      const next = this.#waiting[0]!;
      if (next.exclusive) {
        if (this.#shared > 0) return;
        this.#waiting.shift();
        this.#exclusive = true;
        next.resolve();
        return;
      }
      this.#waiting.shift();
      this.#shared++;
      next.resolve();
    }
  }
}
