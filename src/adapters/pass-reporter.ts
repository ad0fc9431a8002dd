import type { TickResult } from '../reconcile/reconcile-tick.js';
import type { ControllerMetrics, PassScope } from './metrics.js';

/** How much a line of the controller's log matters. */
export type LogLevel = 'info' | 'warn' | 'error';

/** What a line says in fields of its own besides its words (`--log-format json`): never an env value. */
export type LogFields = Readonly<Record<string, string | number | null>>;

/** Where the daemon's lines go: `out` for what a pass did (info), `err` for what happened to the controller. */
export interface DaemonLog {
  out(line: string): void;
  err(line: string, level: LogLevel, fields?: LogFields): void;
}

/**
 * Tells a person watching, and `/metrics`, how each reconcile pass went: its plan lines
 * and warnings, Docker going away and coming back, the state file failing to be written
 * and being written again. A change is said once when it happens, not on every retry.
 */
export class PassReporter {
  #reachable = true;
  /** Why the last state write failed, or null when it succeeded. */
  #writeError: string | null = null;
  #lastActivity: number;

  constructor(
    private readonly log: DaemonLog,
    private readonly now: () => number = Date.now,
    /** Where passes and writes are counted for `/metrics` (only with `--health-addr`), or nowhere. */
    readonly metrics?: ControllerMetrics,
  ) {
    this.#lastActivity = now();
  }

  /** When the daemon started or last reported a pass. */
  get lastActivity(): number {
    return this.#lastActivity;
  }

  /** Whether the last state write succeeded (or none has been tried). */
  get stateWritten(): boolean {
    return this.#writeError === null;
  }

  /** Why the last state write failed, or null when it succeeded (or none has been tried). */
  get writeError(): string | null {
    return this.#writeError;
  }

  pass(result: TickResult, scope: PassScope): void {
    this.#lastActivity = this.now();
    this.metrics?.recordPass(scope, result.state.controller.lastTick?.durationMs ?? 0, result.outcome.dockerCalls);
    for (const line of result.planLines) this.log.out(line);
    // Said once when it goes, once when it comes back: not on every retry.
    if (result.outcome.dockerReachable !== this.#reachable) {
      this.#reachable = result.outcome.dockerReachable;
      if (this.#reachable) this.log.err('Docker is reachable again', 'info');
      else this.log.err(`Docker is unreachable: ${result.state.controller.docker.lastError}`, 'error');
    }
    for (const event of result.events)
      if (event.type === 'Warning')
        this.log.err(`${event.workload ?? 'controller'}: ${event.reason}: ${event.message}`, 'warn', {
          workload: event.workload,
          reason: event.reason,
        });
  }

  /** The state write that followed a pass: `error` when it failed. Answers whether this is news (a new failure, or recovery). */
  write(error: Error | undefined): boolean {
    this.metrics?.recordStateWrite(error === undefined);
    const now = error ? error.message : null;
    // Said when it fails (again, if the reason changes) and once when it recovers: not on every retry.
    const news = now !== this.#writeError;
    if (news && now) this.log.err(`${now}; retrying`, 'error');
    else if (news) this.log.err('the state file is written again', 'info');
    this.#writeError = now;
    return news;
  }
}
