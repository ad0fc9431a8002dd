import { Debouncer } from './debouncer.js';
import { realTimers } from './timers.js';
import type { Timers } from './timers.js';
import { WorkQueue } from './work-queue.js';

/** The key of a full resync: every workload, one list call. */
export const ALL = '*';

export interface DaemonHooks {
  /** Re-reads the manifest directory; answers the workload ids whose spec or presence changed. */
  rescan(): Promise<string[]>;
  /**
   * One pass over these workloads (or all): one read of the containers, then each
   * workload reconciled. Answers those that failed and should be retried, and those to
   * look at again soon (a rollout waiting for a new slot to become healthy). Throwing
   * fails them all. Never called while another pass runs.
   */
  reconcile(keys: readonly string[] | typeof ALL): Promise<{ failed: string[]; recheck?: string[] }>;
  /** Something went wrong outside a reconcile (a rescan, a hook): reported, never fatal. */
  onError(error: unknown, where: string): void;
}

export interface DaemonOptions {
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
 * changes, Docker events, the resync ticker) and drained in batches by one loop. A
 * pass gets keys, never events: it re-reads everything it needs. One pass runs at a
 * time and takes every key ready, so a burst of events costs one pass (one list), and
 * keys that arrive during a pass wait for the next; no two passes act on one workload.
 * A full resync in a batch covers the scoped keys beside it. Keys are de-duplicated; a
 * failing key backs off (1 s doubling to 5 min) without delaying the others.
 */
export class Daemon {
  readonly #hooks: DaemonHooks;
  readonly #options: DaemonOptions;
  readonly #timers: Timers;
  readonly #queue: WorkQueue;
  readonly #debouncer: Debouncer;
  #loop: Promise<void> = Promise.resolve();
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

  /** Starts the pass loop, a first full reconcile, and the resync ticker. */
  start(): void {
    this.#loop = this.#work();
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

  /** Stops taking work, lets the pass in flight finish, and answers when it is done. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#debouncer.cancel();
    if (this.#resyncTimer !== undefined) this.#timers.clearTimeout(this.#resyncTimer);
    await this.#rescanning;
    this.#queue.shutdown();
    await this.#loop;
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
      const batch = await this.#queue.getBatch();
      if (batch === undefined) return;
      const keys = batch.includes(ALL) ? ALL : batch;
      try {
        const result = await this.#hooks.reconcile(keys);
        const failed = new Set(result.failed);
        for (const id of failed) if (!this.#stopped) this.#queue.retry(id);
        for (const id of result.recheck ?? [])
          if (!this.#stopped) this.#queue.addLater(id, this.#options.recheckMs ?? 1000);
        for (const key of batch) if (!failed.has(key)) this.#queue.forget(key);
      } catch (error) {
        this.#hooks.onError(error, `reconcile ${describeKeys(keys)}`);
        for (const key of batch) if (!this.#stopped) this.#queue.retry(key);
      } finally {
        for (const key of batch) this.#queue.done(key);
      }
    }
  }
}

/** The keys of a pass, for a log line: a few by name, many by count. */
function describeKeys(keys: readonly string[] | typeof ALL): string {
  if (keys === ALL) return 'all workloads';
  return keys.length <= 3 ? keys.join(', ') : `${keys.length} workloads`;
}
