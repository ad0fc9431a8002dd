import { Debouncer } from './debouncer.js';
import { ExclusiveLock } from './exclusive-lock.js';
import { realTimers } from './timers.js';
import type { Timers } from './timers.js';
import { WorkQueue } from './work-queue.js';

/** The key of a full resync: every workload, one list call. */
export const ALL = '*';

export interface DaemonHooks {
  /** Re-reads the manifest directory; answers the workload ids whose spec or presence changed. */
  rescan(): Promise<string[]>;
  /**
   * Reconciles these workloads (or all); answers those that failed and should be retried,
   * and those to look at again soon (a rollout waiting for a new slot to become healthy).
   * Throwing fails them all.
   */
  reconcile(keys: readonly string[] | typeof ALL): Promise<{ failed: string[]; recheck?: string[] }>;
  /** Something went wrong outside a reconcile (a rescan, a hook): reported, never fatal. */
  onError(error: unknown, where: string): void;
}

export interface DaemonOptions {
  /** Workers reconciling at once. */
  concurrency: number;
  /** Quiet period after file events before the directory is rescanned. */
  debounceMs: number;
  /** Full resync interval: the safety net for missed events. */
  resyncMs: number;
  /** How soon a workload asked to be looked at again is (default 1 s). */
  recheckMs?: number;
  timers?: Timers;
}

/**
 * The long-running controller: a work queue of workload keys fed by sources (file
 * changes, Docker events, the resync ticker) and drained by `concurrency` workers.
 * A reconcile gets a key, never an event: it re-reads everything it needs. Keys are
 * de-duplicated; a failing key backs off (1 s doubling to 5 min) without delaying the
 * others; a full resync runs alone so no two passes act on one workload.
 */
export class Daemon {
  readonly #hooks: DaemonHooks;
  readonly #options: DaemonOptions;
  readonly #timers: Timers;
  readonly #queue: WorkQueue;
  readonly #lock = new ExclusiveLock();
  readonly #debouncer: Debouncer;
  #workers: Promise<void>[] = [];
  #resyncTimer: unknown;
  #rescanning: Promise<void> = Promise.resolve();
  #stopped = false;

  constructor(hooks: DaemonHooks, options: DaemonOptions) {
    this.#hooks = hooks;
    this.#options = options;
    this.#timers = options.timers ?? realTimers;
    this.#queue = new WorkQueue({ timers: this.#timers });
    this.#debouncer = new Debouncer(() => this.#rescanAndEnqueue(), options.debounceMs, this.#timers);
  }

  /** Starts the workers, a first full reconcile, and the resync ticker. */
  start(): void {
    for (let i = 0; i < Math.max(1, this.#options.concurrency); i++) this.#workers.push(this.#work());
    this.resyncNow();
    this.#scheduleResync();
  }

  /** A file under the manifest directory changed: a hint, acted on after the quiet period. */
  fileChanged(): void {
    if (!this.#stopped) this.#debouncer.trigger();
  }

  /**
   * A Docker event concerns this workload. `lookAgainMs`: reconcile it once more after
   * that long, for events that run ahead of the state they announce.
   */
  workloadChanged(id: string, lookAgainMs?: number): void {
    this.#queue.add(id);
    if (lookAgainMs !== undefined) this.#queue.addLater(id, lookAgainMs);
  }

  /** Rescans the directory and reconciles everything (start-up, resync, after missed events). */
  resyncNow(): void {
    this.#chainRescan(async () => {
      await this.#hooks.rescan();
      this.#queue.add(ALL);
    });
  }

  /** Stops taking work, lets the reconcile in flight finish, and answers when all workers are done. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#debouncer.cancel();
    if (this.#resyncTimer !== undefined) this.#timers.clearTimeout(this.#resyncTimer);
    await this.#rescanning;
    this.#queue.shutdown();
    await Promise.all(this.#workers);
  }

  /** How many keys are queued and in flight (for readiness and tests). */
  get pending(): number {
    return this.#queue.length + this.#queue.busy;
  }

  #rescanAndEnqueue(): void {
    this.#chainRescan(async () => {
      for (const id of await this.#hooks.rescan()) this.#queue.add(id);
    });
  }

  /** Rescans run one after another, never two at once. */
  #chainRescan(task: () => Promise<void>): void {
    this.#rescanning = this.#rescanning.then(async () => {
      if (this.#stopped) return;
      try {
        await task();
      } catch (error) {
        this.#hooks.onError(error, 'rescan');
      }
    });
  }

  #scheduleResync(): void {
    this.#resyncTimer = this.#timers.setTimeout(() => {
      if (this.#stopped) return;
      this.resyncNow();
      this.#scheduleResync();
    }, this.#options.resyncMs);
  }

  async #work(): Promise<void> {
    for (;;) {
      const key = await this.#queue.get();
      if (key === undefined) return;
      try {
        const result =
          key === ALL
            ? await this.#lock.exclusive(() => this.#hooks.reconcile(ALL))
            : await this.#lock.shared(() => this.#hooks.reconcile([key]));
        for (const id of result.failed) if (!this.#stopped) this.#queue.retry(id);
        for (const id of result.recheck ?? [])
          if (!this.#stopped) this.#queue.addLater(id, this.#options.recheckMs ?? 1000);
        if (key !== ALL && !result.failed.includes(key)) this.#queue.forget(key);
        if (key === ALL) this.#queue.forget(ALL);
      } catch (error) {
        this.#hooks.onError(error, `reconcile ${key}`);
        if (!this.#stopped) this.#queue.retry(key);
      } finally {
        this.#queue.done(key);
      }
    }
  }
}
