import { Backoff } from './backoff.js';
import { realTimers } from '../api/timers.js';
import type { Timers } from '../api/timers.js';

/**
 * A queue of keys, as in client-go's workqueue: a key is queued at most once; a key
 * being processed is never handed out twice, and if it is added meanwhile it is queued
 * again when `done`; failed keys come back after an exponential backoff. The loop owns
 * retries: reconcilers only say how it went. Keys are handed out in batches: everything
 * ready at once, so a burst of news costs one pass, not one per key.
 */
export class WorkQueue {
  readonly #queue: string[] = [];
  readonly #queued = new Set<string>();
  readonly #processing = new Set<string>();
  readonly #dirty = new Set<string>();
  readonly #delayed = new Map<string, unknown>();
  readonly #later = new Set<unknown>();
  /** The second looks asked for in the current turn, by delay. */
  readonly #laterThisTurn = new Map<number, Set<string>>();
  readonly #waiters: ((keys: string[] | undefined) => void)[] = [];
  readonly #backoff: Backoff;
  readonly #timers: Timers;
  readonly #defer: (fn: () => void) => void;
  #closed = false;
  #waking = false;

  /** `defer`: runs a function once the current turn of the event loop is over (default `setImmediate`). */
  constructor(options: { backoff?: Backoff; timers?: Timers; defer?: (fn: () => void) => void } = {}) {
    this.#backoff = options.backoff ?? new Backoff();
    this.#timers = options.timers ?? realTimers;
    this.#defer = options.defer ?? ((fn) => setImmediate(fn));
  }

  /** Queues `key` now (once, however often it is added). */
  add(key: string): void {
    if (this.#closed) return;
    const timer = this.#delayed.get(key);
    if (timer !== undefined) {
      this.#timers.clearTimeout(timer);
      this.#delayed.delete(key);
    }
    if (this.#processing.has(key)) {
      this.#dirty.add(key);
      return;
    }
    if (this.#queued.has(key)) return;
    this.#queued.add(key);
    this.#queue.push(key);
    this.#wake();
  }

  /** Queues `key` after `ms`, unless it is added sooner. */
  addAfter(key: string, ms: number): void {
    if (this.#closed || this.#queued.has(key) || this.#delayed.has(key)) return;
    this.#delayed.set(
      key,
      this.#timers.setTimeout(() => {
        this.#delayed.delete(key);
        this.add(key);
      }, ms),
    );
  }

  /**
   * Adds `key` once more after `ms`, whatever happens meanwhile: a second look, for
   * news that arrives before the state it announces (Docker reports a container
   * `running` for a few ms after its `die` event).
   */
  addLater(key: string, ms: number): void {
    if (this.#closed) return;
    const bucket = this.#laterThisTurn.get(ms);
    if (bucket) {
      bucket.add(key);
      return;
    }
    // Second looks asked for in one turn (a burst of events) share one timer, so they come back as one batch.
    const keys = new Set([key]);
    if (this.#laterThisTurn.size === 0) queueMicrotask(() => this.#laterThisTurn.clear());
    this.#laterThisTurn.set(ms, keys);
    const timer = this.#timers.setTimeout(() => {
      this.#later.delete(timer);
      for (const k of keys) this.add(k);
    }, ms);
    this.#later.add(timer);
  }

  /**
   * Every key ready now, in the order they came (at least one: it waits for one);
   * undefined once the queue is shut down. Each is being processed until `done`.
   */
  getBatch(): Promise<string[] | undefined> {
    // Shut down: what is still queued is left, so nothing acts after a stop.
    if (this.#closed) return Promise.resolve(undefined);
    if (this.#queue.length > 0) return Promise.resolve(this.#takeAll());
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Processing of `key` ended; a key added meanwhile is queued again. */
  done(key: string): void {
    this.#processing.delete(key);
    if (this.#dirty.delete(key)) this.add(key);
  }

  /** `key` failed: queue it again after its backoff (1 s doubling, 5 min cap). Answers the delay. */
  retry(key: string): number {
    const delay = this.#backoff.next(key);
    this.addAfter(key, delay);
    return delay;
  }

  /** `key` succeeded: its backoff starts over. */
  forget(key: string): void {
    this.#backoff.reset(key);
  }

  get length(): number {
    return this.#queue.length;
  }

  get busy(): number {
    return this.#processing.size;
  }

  /** Hands out nothing more; waiting workers get undefined. */
  shutdown(): void {
    this.#closed = true;
    for (const timer of [...this.#delayed.values(), ...this.#later]) this.#timers.clearTimeout(timer);
    this.#delayed.clear();
    this.#later.clear();
    for (const waiter of this.#waiters.splice(0)) waiter(undefined);
  }

  /**
   * Hands the queue to a waiting consumer once the current turn of the event loop is
   * over: keys added in one burst (the chunks of the event stream read together, the
   * second looks whose timers are due together) travel together.
   */
  #wake(): void {
    if (this.#waking || this.#waiters.length === 0) return;
    this.#waking = true;
    this.#defer(() => {
      this.#waking = false;
      const waiter = this.#queue.length > 0 ? this.#waiters.shift() : undefined;
      if (waiter) waiter(this.#takeAll());
    });
  }

  #takeAll(): string[] {
    const keys = this.#queue.splice(0);
    for (const key of keys) {
      this.#queued.delete(key);
      this.#processing.add(key);
    }
    return keys;
  }
}
