import type { ControllerState } from '../api/state-types.js';

/** A reconcile pass over every workload, or over the few an event named. */
export type PassScope = 'full' | 'scoped';

interface PassFigures {
  count: number;
  lastDurationMs: number;
  lastDockerCalls: number;
}

/**
 * What the long-running controller counts about itself, for `/metrics` (the Prometheus
 * text format): its passes, how long the last one took and how many Docker calls it
 * made, its workloads by phase, its failed state writes, and its memory.
 */
export class ControllerMetrics {
  readonly #passes: Record<PassScope, PassFigures> = {
    full: { count: 0, lastDurationMs: 0, lastDockerCalls: 0 },
    scoped: { count: 0, lastDurationMs: 0, lastDockerCalls: 0 },
  };
  #stateWriteFailures = 0;
  #stateWriteFailing = false;

  /** A write of the state file that followed a pass: `ok` false when it failed. */
  recordStateWrite(ok: boolean): void {
    if (!ok) this.#stateWriteFailures += 1;
    this.#stateWriteFailing = !ok;
  }

  recordPass(scope: PassScope, durationMs: number, dockerCalls: number): void {
    const figures = this.#passes[scope];
    figures.count += 1;
    figures.lastDurationMs = durationMs;
    figures.lastDockerCalls = dockerCalls;
  }

  render(state: ControllerState, memory: NodeJS.MemoryUsage = process.memoryUsage()): string {
    const scopes = Object.entries(this.#passes) as [PassScope, PassFigures][];
    const phases = new Map<string, number>();
    for (const w of Object.values(state.workloads)) phases.set(w.phase, (phases.get(w.phase) ?? 0) + 1);
    return [
      ...metric(
        'tinyforge_reconcile_passes_total',
        'counter',
        'Reconcile passes: full (every workload) or scoped (the workloads an event named).',
        scopes.map(([scope, f]) => [{ scope }, f.count]),
      ),
      ...metric(
        'tinyforge_reconcile_last_duration_seconds',
        'gauge',
        'How long the last pass of each scope took.',
        scopes.map(([scope, f]) => [{ scope }, f.lastDurationMs / 1000]),
      ),
      ...metric(
        'tinyforge_reconcile_last_docker_calls',
        'gauge',
        'Docker API calls the last pass of each scope made.',
        scopes.map(([scope, f]) => [{ scope }, f.lastDockerCalls]),
      ),
      ...metric(
        'tinyforge_workloads',
        'gauge',
        'Workloads by phase.',
        [...phases].sort().map(([phase, n]) => [{ phase }, n]),
      ),
      ...metric(
        'tinyforge_state_write_failures_total',
        'counter',
        'Writes of the state file that failed (each is retried by the next pass).',
        [[{}, this.#stateWriteFailures]],
      ),
      ...metric(
        'tinyforge_state_write_failing',
        'gauge',
        '1 while the last write of the state file failed: the file on disk is stale.',
        [[{}, this.#stateWriteFailing ? 1 : 0]],
      ),
      ...metric('tinyforge_docker_reachable', 'gauge', '1 when Docker answered the last pass.', [
        [{}, state.controller.docker.reachable ? 1 : 0],
      ]),
      ...metric('process_resident_memory_bytes', 'gauge', 'Resident memory of the controller process.', [
        [{}, memory.rss],
      ]),
      ...metric('nodejs_heap_size_total_bytes', 'gauge', 'The V8 heap, as allocated.', [[{}, memory.heapTotal]]),
      ...metric('nodejs_heap_size_used_bytes', 'gauge', 'The V8 heap, in use.', [[{}, memory.heapUsed]]),
      '',
    ].join('\n');
  }
}

function metric(
  name: string,
  type: 'counter' | 'gauge',
  help: string,
  samples: [Record<string, string>, number][],
): string[] {
  const lines = [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`];
  for (const [labels, value] of samples) {
    const text = Object.entries(labels)
      .map(([k, v]) => `${k}="${v}"`)
      .join(',');
    lines.push(`${name}${text ? `{${text}}` : ''} ${value}`);
  }
  return lines;
}
