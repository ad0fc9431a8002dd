import { describe, expect, it } from 'vitest';
import { ControllerMetrics } from '../../src/adapters/metrics.js';
import type { WorkloadStatus } from '../../src/api/state-types.js';
import { initialState } from '../../src/reconcile/initial-state.js';
import { sample } from '../support/metric-sample.js';

describe('controller metrics', () => {
  const state = initialState({ name: 'default', manifestDir: 'manifests', pid: 1 }, new Date('2026-11-27T10:00:00Z'));
  const workload = (phase: WorkloadStatus['phase']) => ({ phase }) as WorkloadStatus;
  state.workloads = { 'image/a': workload('Ready'), 'image/b': workload('Ready'), 'stack/c': workload('Degraded') };

  it('count passes by scope, keep the figures of the last one of each, and put each in the duration histogram', async () => {
    const metrics = new ControllerMetrics();
    metrics.recordPass('full', 97, 1);
    metrics.recordPass('scoped', 12, 3);
    metrics.recordPass('full', 88, 1);
    const text = await metrics.render(state);
    expect(sample(text, 'tinyforge_reconcile_passes_total{scope="full"}')).toBe(2);
    expect(sample(text, 'tinyforge_reconcile_passes_total{scope="scoped"}')).toBe(1);
    expect(sample(text, 'tinyforge_reconcile_last_duration_seconds{scope="full"}')).toBe(0.088);
    expect(sample(text, 'tinyforge_reconcile_last_docker_calls{scope="scoped"}')).toBe(3);
    expect(sample(text, 'tinyforge_reconcile_duration_seconds_count{scope="full"}')).toBe(2);
    expect(sample(text, 'tinyforge_reconcile_duration_seconds_sum{scope="full"}')).toBeCloseTo(0.185);
    expect(sample(text, 'tinyforge_reconcile_duration_seconds_bucket{le="0.05",scope="full"}')).toBe(0);
    expect(sample(text, 'tinyforge_reconcile_duration_seconds_bucket{le="0.1",scope="full"}')).toBe(2);
  });

  it('time Docker calls by operation and count actions by kind and outcome, restarts and failed writes', async () => {
    const metrics = new ControllerMetrics();
    metrics.recordDockerCall('create', 0.012);
    metrics.recordDockerCall('create', 0.02);
    metrics.recordDockerCall('list', 0.0004);
    metrics.recordAction('create', 'ok');
    metrics.recordAction('create', 'ok');
    metrics.recordAction('remove', 'failed');
    metrics.recordRestart();
    metrics.recordStateWrite(false);
    metrics.recordStateWrite(false);
    const text = await metrics.render(state);
    expect(sample(text, 'tinyforge_docker_call_duration_seconds_count{operation="create"}')).toBe(2);
    expect(sample(text, 'tinyforge_docker_call_duration_seconds_bucket{le="0.001",operation="list"}')).toBe(1);
    expect(sample(text, 'tinyforge_actions_total{action="create",outcome="ok"}')).toBe(2);
    expect(sample(text, 'tinyforge_actions_total{action="remove",outcome="failed"}')).toBe(1);
    expect(sample(text, 'tinyforge_restarts_total')).toBe(1);
    expect(sample(text, 'tinyforge_state_write_failures_total')).toBe(2);
    expect(sample(text, 'tinyforge_state_write_failing')).toBe(1);
    metrics.recordStateWrite(true);
    expect(sample(await metrics.render(state), 'tinyforge_state_write_failing')).toBe(0);
  });

  it('show every series before anything happened, every phase of the state included (0 when none is in it)', async () => {
    const text = await new ControllerMetrics().render(state);
    expect(text).toMatch(/# HELP tinyforge_workloads .+\n# TYPE tinyforge_workloads gauge\n/);
    expect(sample(text, 'tinyforge_workloads{phase="Ready"}')).toBe(2);
    expect(sample(text, 'tinyforge_workloads{phase="Degraded"}')).toBe(1);
    for (const phase of ['Pending', 'Progressing', 'Failed', 'Invalid', 'Suspended', 'Terminating'])
      expect(sample(text, `tinyforge_workloads{phase="${phase}"}`), phase).toBe(0);
    for (const series of [
      'tinyforge_reconcile_passes_total{scope="scoped"}',
      'tinyforge_restarts_total',
      'tinyforge_state_write_failures_total',
    ])
      expect(sample(text, series), series).toBe(0);
    expect(sample(text, 'tinyforge_docker_reachable')).toBe(1);
    expect(text).toContain('# TYPE tinyforge_actions_total counter');
    expect(text).toContain('# TYPE tinyforge_docker_call_duration_seconds histogram');
  });

  it("carry Node's process metrics, each name once, none a gauge named like a counter", async () => {
    const metrics = new ControllerMetrics();
    const text = await metrics.render(state);
    expect(metrics.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(sample(text, 'process_resident_memory_bytes')).toBeGreaterThan(10 * 2 ** 20);
    expect(sample(text, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    const types = [...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map(([, name, type]) => ({ name: name!, type }));
    expect(new Set(types.map((t) => t.name)).size).toBe(types.length);
    expect(types.filter((t) => t.name.endsWith('_total') && t.type !== 'counter')).toEqual([]);
    // Two registries side by side: a second daemon in one process (tests) does not clash.
    expect(await new ControllerMetrics().render(state)).toContain('tinyforge_docker_reachable 1');
  });

  it('tell each action, Docker call and restart the controller reports through its observers', async () => {
    const metrics = new ControllerMetrics();
    const { progress, dockerCall, restarted } = metrics.observers();
    const action = { type: 'start' } as Parameters<typeof progress.done>[0];
    progress.begin(action, 1, 2);
    progress.done(action);
    progress.failed?.({ type: 'recreate' } as typeof action);
    dockerCall('stop', 0.3);
    restarted();
    const text = await metrics.render(state);
    expect(sample(text, 'tinyforge_actions_total{action="start",outcome="ok"}')).toBe(1);
    expect(sample(text, 'tinyforge_actions_total{action="recreate",outcome="failed"}')).toBe(1);
    expect(sample(text, 'tinyforge_docker_call_duration_seconds_count{operation="stop"}')).toBe(1);
    expect(sample(text, 'tinyforge_restarts_total')).toBe(1);
  });
});
