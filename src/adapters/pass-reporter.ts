import type { TickResult } from '../reconcile/reconcile-tick.js';
import { ControllerMetrics } from './metrics.js';
import type { PassScope } from './metrics.js';

/** Where the daemon's lines go: `out` for what a pass did, `err` for what needs attention. */
export interface DaemonLog {
  out(line: string): void;
  err(line: string): void;
}

/**
 * Tells a person watching, and `/metrics`, how each reconcile pass went: its plan lines
 * and warnings, Docker going away and coming back, the state file failing to be written
 * and being written again. A change is said once when it happens, not on every retry.
 */
export class PassReporter {
  readonly metrics = new ControllerMetrics();
  #reachable = true;
  /** Why the last state write failed, or null when it succeeded. */
  #writeError: string | null = null;
  #lastActivity: number;

  constructor(
    private readonly log: DaemonLog,
    private readonly now: () => number = Date.now,
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
    this.metrics.recordPass(scope, result.state.controller.lastTick?.durationMs ?? 0, result.outcome.dockerCalls);
    for (const line of result.planLines) this.log.out(line);
    // Said once when it goes, once when it comes back: not on every retry.
    if (result.outcome.dockerReachable !== this.#reachable) {
      this.#reachable = result.outcome.dockerReachable;
      this.log.err(
        this.#reachable
          ? 'tinyforge: Docker is reachable again'
          : `tinyforge: Docker is unreachable: ${result.state.controller.docker.lastError}`,
      );
    }
    for (const event of result.events)
      if (event.type === 'Warning')
        this.log.err(`tinyforge: ${event.workload ?? 'controller'}: ${event.reason}: ${event.message}`);
  }

  /** The state write that followed a pass: `error` when it failed. Answers whether this is news (a new failure, or recovery). */
  write(error: Error | undefined): boolean {
    this.metrics.recordStateWrite(error === undefined);
    const now = error ? error.message : null;
    // Said when it fails (again, if the reason changes) and once when it recovers: not on every retry.
    const news = now !== this.#writeError;
    if (news) this.log.err(now ? `tinyforge: ${now}; retrying` : 'tinyforge: the state file is written again');
    this.#writeError = now;
    return news;
  }
}
