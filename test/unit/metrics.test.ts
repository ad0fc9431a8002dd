import { describe, expect, it } from 'vitest';
import { ControllerMetrics } from '../../src/adapters/metrics.js';
import { initialState } from '../../src/reconcile/initial-state.js';
import type { WorkloadStatus } from '../../src/api/state-types.js';

describe('controller metrics', () => {
  const state = initialState({ name: 'default', manifestDir: 'manifests', pid: 1 }, new Date('2026-11-27T10:00:00Z'));
  const workload = (phase: WorkloadStatus['phase']) => ({ phase }) as WorkloadStatus;
  state.workloads = { 'image/a': workload('Ready'), 'image/b': workload('Ready'), 'stack/c': workload('Degraded') };
  const memory = { rss: 100 * 2 ** 20, heapTotal: 30 * 2 ** 20, heapUsed: 20 * 2 ** 20, external: 0, arrayBuffers: 0 };

  it('count passes by scope and keep the figures of the last one of each', () => {
    const metrics = new ControllerMetrics();
    metrics.recordPass('full', 97, 1);
    metrics.recordPass('scoped', 12, 3);
    metrics.recordPass('full', 88, 1);
    const lines = metrics.render(state, memory).split('\n');
    expect(lines).toContain('tinyforge_reconcile_passes_total{scope="full"} 2');
    expect(lines).toContain('tinyforge_reconcile_passes_total{scope="scoped"} 1');
    expect(lines).toContain('tinyforge_reconcile_last_duration_seconds{scope="full"} 0.088');
    expect(lines).toContain('tinyforge_reconcile_last_docker_calls{scope="scoped"} 3');
  });

  it('speak the Prometheus text format: HELP and TYPE before the samples, workloads by phase, memory in bytes', () => {
    const text = new ControllerMetrics().render(state, memory);
    expect(text).toMatch(
      /# HELP tinyforge_workloads .+\n# TYPE tinyforge_workloads gauge\ntinyforge_workloads\{phase="Degraded"\} 1\ntinyforge_workloads\{phase="Ready"\} 2\n/,
    );
    expect(text).toContain(`process_resident_memory_bytes ${100 * 2 ** 20}\n`);
    expect(text).toContain('tinyforge_docker_reachable 1\n');
    expect(text.endsWith('\n')).toBe(true);
  });
});
