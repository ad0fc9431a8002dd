/**
 * Writes one at a time, coalescing as steno does: data that arrives while a write is in
 * flight waits, and only the newest of it is written next, for everyone who asked. Each
 * write succeeds or fails on its own: a failure rejects the callers whose data it
 * carried, never a later write.
 */
export class CoalescingWriter<T, R> {
  readonly #write: (data: T) => Promise<R>;
  #inFlight = false;
  #next: { data: T; waiting: { resolve(value: R): void; reject(error: unknown): void }[] } | undefined;

  constructor(write: (data: T) => Promise<R>) {
    this.#write = write;
  }

  /** Settles when a write carrying this data, or newer data, has finished. */
  write(data: T): Promise<R> {
    if (!this.#inFlight) return this.#run(data);
    return new Promise<R>((resolve, reject) => {
      // Newer data replaces what was waiting; those who waited get the newer write's outcome.
      this.#next = { data, waiting: [...(this.#next?.waiting ?? []), { resolve, reject }] };
    });
  }

  async #run(data: T): Promise<R> {
    this.#inFlight = true;
    try {
      return await this.#write(data);
    } finally {
      this.#inFlight = false;
      const next = this.#next;
      this.#next = undefined;
      if (next) {
        this.#run(next.data).then(
          (value) => {
            for (const w of next.waiting) w.resolve(value);
          },
          (error: unknown) => {
            for (const w of next.waiting) w.reject(error);
          },
        );
      }
    }
  }
}
