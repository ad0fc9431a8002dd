import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { Phase } from '../api/state-types.js';
import type { ControllerState } from '../api/state-types.js';
import type { Progress } from '../reconcile/progress.js';
import type { CallObserver } from './timed-calls.js';

/** A reconcile pass over every workload, or over the few an event named. */
export type PassScope = 'full' | 'scoped';

/** How an action of a pass ended. */
export type ActionOutcome = 'ok' | 'failed';

const SCOPES: readonly PassScope[] = ['full', 'scoped'];
/** prom-client's default gauges whose names end in `_total`, which Prometheus keeps for counters. */
const MISNAMED_DEFAULTS = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];
/** Passes take milliseconds when nothing changes and up to the settle timeout when containers start. */
const PASS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];
/** A list or inspect answers in about a millisecond, a start in a few hundred, a stop waits its grace period. */
const CALL_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * What the long-running controller counts about itself, for `/metrics` (README: Metrics),
 * in a prom-client registry of its own: its passes (count, duration, Docker calls), the
 * Docker API calls by operation, the actions by kind and outcome, the restarts self-heal
 * made, the state file's writes, its workloads by phase, and Node's process metrics.
 * Loaded only by the long-running `run` with `--health-addr`: prom-client costs a start.
 */
export class ControllerMetrics {
  readonly #registry = new Registry();
  readonly #passes = this.#counter(
    'tinyforge_reconcile_passes_total',
    'Reconcile passes: full (every workload) or scoped (the workloads an event named).',
    ['scope'],
  );
  readonly #passSeconds = this.#histogram(
    'tinyforge_reconcile_duration_seconds',
    'How long reconcile passes took, from the read of the containers to the status of every workload.',
    ['scope'],
    PASS_BUCKETS,
  );
  readonly #lastSeconds = this.#gauge(
    'tinyforge_reconcile_last_duration_seconds',
    'How long the last pass of each scope took.',
    ['scope'],
  );
  readonly #lastCalls = this.#gauge(
    'tinyforge_reconcile_last_docker_calls',
    'Docker API calls the last pass of each scope made.',
    ['scope'],
  );
  readonly #callSeconds = this.#histogram(
    'tinyforge_docker_call_duration_seconds',
    'How long Docker API calls took (failed ones too), by operation: list, create, start, stop, remove, ...',
    ['operation'],
    CALL_BUCKETS,
  );
  readonly #actions = this.#counter(
    'tinyforge_actions_total',
    'Actions of reconcile passes, by kind (create, start, recreate, remove, route, ...) and outcome (ok or failed).',
    ['action', 'outcome'],
  );
  readonly #restarts = this.#counter(
    'tinyforge_restarts_total',
    'Containers self-heal restarted or recreated within the restart budget (5 in 5 minutes per container).',
  );
  readonly #writeFailures = this.#counter(
    'tinyforge_state_write_failures_total',
    'Writes of the state file that failed (each is retried by the next pass).',
  );
  readonly #writeFailing = this.#gauge(
    'tinyforge_state_write_failing',
    '1 while the last write of the state file failed: the file on disk is stale.',
  );
  readonly #workloads = this.#gauge(
    'tinyforge_workloads',
    'Workloads by phase, every phase present (0 when none is in it).',
    ['phase'],
  );
  readonly #reachable = this.#gauge('tinyforge_docker_reachable', '1 when Docker answered the last pass.');

  constructor() {
    collectDefaultMetrics({ register: this.#registry });
    // Gauges named like counters (promtool's lint says so); the same counts stay, by type, in nodejs_active_*.
    for (const name of MISNAMED_DEFAULTS) this.#registry.removeSingleMetric(name);
    // Every series from the start, at 0: a dashboard sees it before the first pass, failure or restart.
    for (const scope of SCOPES) {
      this.#passes.inc({ scope }, 0);
      this.#lastSeconds.set({ scope }, 0);
      this.#lastCalls.set({ scope }, 0);
    }
    this.#restarts.inc(0);
    this.#writeFailures.inc(0);
    this.#writeFailing.set(0);
  }

  /** The content type of what `render` answers: the Prometheus text format. */
  get contentType(): string {
    return this.#registry.contentType;
  }

  /** A write of the state file that followed a pass: `ok` false when it failed. */
  recordStateWrite(ok: boolean): void {
    if (!ok) this.#writeFailures.inc();
    this.#writeFailing.set(ok ? 0 : 1);
  }

  recordPass(scope: PassScope, durationMs: number, dockerCalls: number): void {
    this.#passes.inc({ scope });
    this.#passSeconds.observe({ scope }, durationMs / 1000);
    this.#lastSeconds.set({ scope }, durationMs / 1000);
    this.#lastCalls.set({ scope }, dockerCalls);
  }

  /** One Docker API call, answered or failed, and how long it took. */
  recordDockerCall(operation: string, seconds: number): void {
    this.#callSeconds.observe({ operation }, seconds);
  }

  /** One action of a pass (`create`, `start`, `recreate`, `remove`, ...), done or failed. */
  recordAction(action: string, outcome: ActionOutcome): void {
    this.#actions.inc({ action, outcome });
  }

  /** A restart (or recreate) of a container that self-heal made and the restart budget allowed. */
  recordRestart(): void {
    this.#restarts.inc();
  }

  /** What a controller is given to tell these metrics of each action's outcome, Docker call and restart. */
  observers(): { progress: Progress; dockerCall: CallObserver; restarted: () => void } {
    return {
      progress: {
        begin: () => undefined,
        done: (action) => this.recordAction(action.type, 'ok'),
        failed: (action) => this.recordAction(action.type, 'failed'),
      },
      dockerCall: (operation, seconds) => this.recordDockerCall(operation, seconds),
      restarted: () => this.recordRestart(),
    };
  }

  /** The Prometheus text of every series, with the workloads and Docker's reachability as `state` says. */
  render(state: ControllerState): Promise<string> {
    const phases = new Map<string, number>(Object.values(Phase).map((phase) => [phase, 0]));
    for (const w of Object.values(state.workloads)) phases.set(w.phase, (phases.get(w.phase) ?? 0) + 1);
    for (const [phase, count] of phases) this.#workloads.set({ phase }, count);
    this.#reachable.set(state.controller.docker.reachable ? 1 : 0);
    return this.#registry.metrics();
  }

  #counter(name: string, help: string, labelNames: string[] = []): Counter {
    return new Counter({ name, help, labelNames, registers: [this.#registry] });
  }

  #gauge(name: string, help: string, labelNames: string[] = []): Gauge {
    return new Gauge({ name, help, labelNames, registers: [this.#registry] });
  }

  #histogram(name: string, help: string, labelNames: string[], buckets: number[]): Histogram {
    return new Histogram({ name, help, labelNames, buckets, registers: [this.#registry] });
  }
}
