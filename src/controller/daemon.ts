import { Debouncer } from './debouncer.js';
import { ExclusiveLock } from './exclusive-lock.js';
import { realTimers } from '../api/timers.js';
import type { Timers } from '../api/timers.js';
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
   * fails them all. Passes over different workloads may run at once; a full one runs alone.
   */
  reconcile(keys: readonly string[] | typeof ALL): Promise<{ failed: string[]; recheck?: string[] }>;
  /** Something went wrong outside a reconcile (a rescan, a hook): reported, never fatal. */
  onError(error: unknown, where: string): void;
}

export interface DaemonOptions {
  /** Passes that may run at once, over different workloads (default 1). */
  passes?: number;
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
 * changes, Docker events, the resync ticker) and drained in batches. A pass gets keys,
 * never events: it re-reads everything it needs. A pass takes every key ready, so a
 * burst of events costs one pass (one list). Keys that arrive while a pass runs go to
 * another pass (up to `passes` at once), so a workload waiting on a slow pull or a
 * rollout never holds up the others; no key is in two passes at once, and a full
 * resync runs alone and covers the scoped keys beside it. Keys are de-duplicated; a
 * failing key backs off (1 s doubling to 5 min) without delaying the others: a batch
 * that throws is run again one key at a time, so one workload's defect stays its own.
 */
export class Daemon {
  readonly #hooks: DaemonHooks;
  readonly #options: DaemonOptions;
  readonly #timers: Timers;
  readonly #queue: WorkQueue;
  readonly #debouncer: Debouncer;
  readonly #lock = new ExclusiveLock();
  #loops: Promise<void>[] = [];
  #resyncTimer: unknown;
  #laterTimer: unknown;
  #rescanning: Promise<void> = Promise.resolve();
  #stopped = false;
  /** Who waits for a pass over a key (`reconcileAndWait`), by key. */
  readonly #waiters = new Map<string, (() => void)[]>();

  constructor(hooks: DaemonHooks, options: DaemonOptions) {
    this.#hooks = hooks;
    this.#options = options;
    this.#timers = options.timers ?? realTimers;
    this.#queue = new WorkQueue({ timers: this.#timers });
    this.#debouncer = new Debouncer(() => this.#rescanAndEnqueue(), options.debounceMs, this.#timers);
  }

  /** Starts the pass loops, a first full reconcile, and the resync ticker. */
  start(): void {
    for (let i = 0; i < Math.max(1, this.#options.passes ?? 1); i++) this.#loops.push(this.#work());
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

  /** Rescans the directory after `ms` (a vanished manifest's deletion grace ends), as a file change would. */
  rescanIn(ms: number): void {
    if (this.#stopped) return;
    if (this.#laterTimer !== undefined) this.#timers.clearTimeout(this.#laterTimer);
    this.#laterTimer = this.#timers.setTimeout(() => {
      this.#laterTimer = undefined;
      this.#rescanAndEnqueue();
    }, ms);
  }

  /** Rescans the directory now, without the quiet period, and queues what changed; answers once queued. */
  rescanNow(): Promise<void> {
    this.#rescanAndEnqueue();
    return this.#rescanning;
  }

  /**
   * Queues `id` and answers when a pass that started after this call has covered it (a
   * scoped pass over it, or a full one), however that pass went; at once when stopping.
   */
  reconcileAndWait(id: string): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    const done = new Promise<void>((resolve) => this.#waiters.set(id, [...(this.#waiters.get(id) ?? []), resolve]));
    this.#queue.add(id);
    return done;
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
    if (this.#laterTimer !== undefined) this.#timers.clearTimeout(this.#laterTimer);
    await this.#rescanning;
    this.#queue.shutdown();
    await Promise.all(this.#loops);
    for (const resolve of [...this.#waiters.values()].flat()) resolve();
    this.#waiters.clear();
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
      // Those waiting now are served by this pass: it has not read anything yet.
      const waiting = this.#takeWaiters(keys);
      const run = () => this.#pass(keys, batch);
      try {
        if (keys === ALL) await this.#lock.exclusive(run);
        else await this.#lock.shared(run);
      } finally {
        for (const key of batch) this.#queue.done(key);
        for (const resolve of waiting) resolve();
      }
    }
  }

  #takeWaiters(keys: readonly string[] | typeof ALL): (() => void)[] {
    const taken = keys === ALL ? [...this.#waiters.keys()] : keys.filter((key) => this.#waiters.has(key));
    const waiting = taken.flatMap((key) => this.#waiters.get(key)!);
    for (const key of taken) this.#waiters.delete(key);
    return waiting;
  }

  /** One pass over the batch; when it throws for a reason of its own, each key again alone. */
  async #pass(keys: readonly string[] | typeof ALL, batch: readonly string[]): Promise<void> {
    try {
      this.#settle(batch, await this.#hooks.reconcile(keys));
    } catch (error) {
      if (keys !== ALL && keys.length > 1 && !isGlobal(error)) {
        for (const key of keys) if (!this.#stopped) await this.#pass([key], [key]);
        return;
      }
      this.#hooks.onError(error, `reconcile ${describeKeys(keys)}`);
      for (const key of batch) if (!this.#stopped) this.#queue.retry(key);
    }
  }

  #settle(batch: readonly string[], result: { failed: string[]; recheck?: string[] }): void {
    const failed = new Set(result.failed);
    for (const id of failed) if (!this.#stopped) this.#queue.retry(id);
    for (const id of result.recheck ?? [])
      if (!this.#stopped) this.#queue.addLater(id, this.#options.recheckMs ?? 1000);
    for (const key of batch) if (!failed.has(key)) this.#queue.forget(key);
  }
}

/** A failure of the engine or the state file, not of the workloads in the pass: running them alone would not help. */
function isGlobal(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code;
  return code === 'DOCKER_UNREACHABLE' || code === 'STATE_WRITE_FAILED';
}

/** The keys of a pass, for a log line: a few by name, many by count. */
function describeKeys(keys: readonly string[] | typeof ALL): string {
  if (keys === ALL) return 'all workloads';
  return keys.length <= 3 ? keys.join(', ') : `${keys.length} workloads`;
}
