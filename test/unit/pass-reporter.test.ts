import { describe, expect, it } from 'vitest';
import { ControllerMetrics } from '../../src/adapters/metrics.js';
import { PassReporter } from '../../src/adapters/pass-reporter.js';
import { initialState } from '../../src/reconcile/initial-state.js';
import type { TickResult } from '../../src/reconcile/reconcile-tick.js';

describe('pass reporter', () => {
  const pass = (dockerReachable: boolean, lastError: string | null = null): TickResult => {
    const state = initialState({ name: 'default', manifestDir: 'manifests', pid: 1 }, new Date('2026-12-01T10:00:00Z'));
    state.controller.docker = { ...state.controller.docker, reachable: dockerReachable, lastError };
    const outcome = {
      dockerReachable,
      failed: [],
      pruneRefused: [],
      rolling: [],
      actions: 0,
      dockerCalls: 1,
      mutations: 0,
    };
    return { state, events: [], planLines: [], plan: [], outcome };
  };
  const reporter = () => {
    const err: string[] = [];
    const log = { out: () => undefined, err: (line: string, level: string) => err.push(`${level} ${line}`) };
    return { err, reporter: new PassReporter(log, () => 7, new ControllerMetrics()) };
  };

  it('says Docker is unreachable once, and once that it is back, and counts each pass by scope', async () => {
    const { err, reporter: r } = reporter();
    r.pass(pass(false, 'connect ENOENT'), 'full');
    r.pass(pass(false, 'connect ENOENT'), 'full');
    r.pass(pass(true), 'scoped');
    expect(err).toEqual(['error Docker is unreachable: connect ENOENT', 'info Docker is reachable again']);
    expect(r.lastActivity).toBe(7);
    const text = await r.metrics?.render(pass(true).state);
    expect(text).toContain('tinyforge_reconcile_passes_total{scope="full"} 2\n');
    expect(text).toContain('tinyforge_reconcile_last_docker_calls{scope="scoped"} 1\n');
  });

  it('says a failed state write once per reason, and once that writes work again', async () => {
    const { err, reporter: r } = reporter();
    r.write(new Error('cannot write the state file s.json: ENOSPC'));
    r.write(new Error('cannot write the state file s.json: ENOSPC'));
    expect(r.stateWritten).toBe(false);
    r.write(undefined);
    expect(r.stateWritten).toBe(true);
    expect(err).toEqual([
      'error cannot write the state file s.json: ENOSPC; retrying',
      'info the state file is written again',
    ]);
    expect(await r.metrics?.render(pass(true).state)).toContain('tinyforge_state_write_failures_total 2');
  });
});
