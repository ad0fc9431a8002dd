import { describe, expect, it } from 'vitest';
import type { ControllerState, WorkloadStatus } from '../../src/api/state-types.js';
import { age, escapeHtml, renderLive } from '../../src/adapters/status-html.js';
import { statusView } from '../../src/adapters/status-view.js';
import { textSummary } from '../../src/adapters/status-web.js';
import { workloadTable } from '../../src/cli/status-command.js';

const NOW = Date.parse('2026-01-01T12:00:00Z');
const XSS = '<script>alert("x")</script>';

function workload(name: string, phase: WorkloadStatus['phase'], extra: Partial<WorkloadStatus> = {}): WorkloadStatus {
  return {
    kind: 'Image',
    name,
    createdAt: '2026-01-01T11:55:00Z',
    source: { file: `manifests/${name}.yaml`, document: 0 },
    generation: 1,
    observedGeneration: 1,
    specHash: 'h',
    phase,
    conditions: [
      {
        type: 'Ready',
        status: 'True',
        reason: 'AllReplicasRunning',
        message: '1/1 running',
        lastTransitionTime: '2026-01-01T11:59:00Z',
      },
    ],
    replicas: { desired: 1, running: 1, updated: 1 },
    containers: [],
    lastError: null,
    lastReconciledAt: null,
    lastAppliedRevision: null,
    ...extra,
  };
}

function state(workloads: Record<string, WorkloadStatus>, edit: Partial<ControllerState> = {}): ControllerState {
  return {
    apiVersion: 'tinyforge.dev/v1',
    kind: 'ControllerState',
    controller: {
      name: 'default',
      pid: 1,
      startedAt: '2026-01-01T11:00:00Z',
      heartbeatAt: '2026-01-01T11:59:59Z',
      manifestDir: 'manifests',
      revision: '0123456789abcdef0123',
      docker: { reachable: true, lastError: null },
      lastTick: { at: '2026-01-01T11:59:58Z', durationMs: 3, dockerCalls: 1 },
    },
    workloads,
    invalid: [],
    foreign: [],
    events: [],
    ...edit,
  };
}

const render = (s: ControllerState) => renderLive(statusView(s), NOW);

describe('the status page', () => {
  it('escapes what it prints: names, messages, conditions, events, invalid manifests, foreign containers', () => {
    const html = render(
      state(
        {
          'image/web': workload('web', 'Degraded', {
            lastError: XSS,
            containers: [
              {
                id: 'a',
                containerId: 'c',
                name: `x${XSS}`,
                role: 'image',
                replica: 1,
                state: 'running',
                health: null,
                image: 'i',
                imageTag: null,
                ports: [8080],
                stage: null,
                slot: null,
                domain: 'a.example"><b',
                routeId: null,
                startedAt: null,
                restarts: 0,
              },
            ],
          }),
        },
        {
          invalid: [{ file: `m/${XSS}.yaml`, line: 3, column: 7, path: '/metadata/name', message: XSS }],
          foreign: [{ containerId: 'f', name: XSS, workloadId: `image/${XSS}`, reason: XSS }],
          events: [{ at: '2026-01-01T11:59:00Z', type: 'Warning', workload: 'image/web', reason: 'X', message: XSS }],
        },
      ),
    );
    expect(html).not.toContain('<script');
    expect(html).not.toContain('"><b');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(html).toContain(`<code>m/${escapeHtml(XSS)}.yaml:3:7</code>`);
    expect(escapeHtml(`<>&"'\``)).toBe('&lt;&gt;&amp;&quot;&#39;&#96;');
  });

  it('shows no env value, not even one the state holds in an applied spec or a plan', () => {
    const secret = 'hunter2-the-password';
    const s = state({
      'image/web': workload('web', 'Ready', {
        applied: { image: { env: { PASSWORD: secret } } },
        lastPlan: { at: '2026-01-01T11:59:00Z', lines: [`~ recreate image/web#1: env.PASSWORD=${secret}`] },
      }),
    });
    (s.controller as unknown as Record<string, unknown>)['extra'] = secret;
    expect(render(s)).not.toContain(secret);
    expect(JSON.stringify(statusView(s))).not.toContain(secret);
    expect(textSummary(statusView(s))).not.toContain(secret);
  });

  it('colours each phase by its class, and marks a Degraded workload', () => {
    const html = render(
      state({
        'image/a': workload('a', 'Ready'),
        'image/b': workload('b', 'Degraded'),
        'image/c': workload('c', 'Failed'),
      }),
    );
    expect(html).toContain('<span class="phase phase-ready">Ready</span>');
    expect(html).toContain('<span class="phase phase-degraded">Degraded</span>');
    expect(html).toContain('<span class="phase phase-failed">Failed</span>');
    expect(html).toMatch(/<section class="workload" id="image\/b"><h3>image\/b <span class="phase phase-degraded">/);
    const stalled = {
      type: 'Stalled' as const,
      status: 'True' as const,
      reason: 'R',
      message: 'm',
      lastTransitionTime: '',
    };
    const withStalled = render(state({ 'image/s': workload('s', 'Degraded', { conditions: [stalled] }) }));
    expect(withStalled).toContain('<td>Stalled</td><td><span class="cond-bad">True</span>');
    expect(html).toContain('<td>Ready</td><td><span class="cond-good">True</span>');
  });

  it("counts ready containers as `status`'s READY does: a running container that is unhealthy is not ready", () => {
    const base = { id: 'a', name: 'tf-web-1', role: 'image', replica: 1, image: 'i', imageTag: null, ports: [] };
    const rest = { stage: null, slot: null, domain: null, routeId: null, startedAt: null, restarts: 0 };
    const rows = [
      { ...base, ...rest, containerId: 'c1', state: 'running' as const, health: 'unhealthy' as const },
      { ...base, ...rest, containerId: 'c2', replica: 2, state: 'running' as const, health: 'healthy' as const },
      { ...base, ...rest, containerId: 'c3', replica: 3, state: 'running' as const, health: null },
    ];
    const replicas = { desired: 3, running: 3, updated: 3 };
    const s = state({ 'image/web': workload('web', 'Degraded', { containers: rows, replicas }) });
    const view = statusView(s);
    expect(view.workloads[0]!.replicas).toEqual({ ready: 2, desired: 3 });
    expect(render(s)).toMatch(/<td>Image<\/td>.*<td>2\/3<\/td>/);
    expect(textSummary(view)).toContain('image/web\tDegraded\t2/3\t');
    expect(workloadTable(Object.entries(s.workloads), new Date(NOW))).toMatch(/web +Image +Degraded +2\/3 /);
  });

  it('shows kind, ready count, age, message, revision, Docker, containers with a domain link', () => {
    const row = {
      id: 'a',
      containerId: 'c',
      name: 'tf-web-1',
      role: 'image',
      replica: 1,
      state: 'running' as const,
      health: 'healthy' as const,
      image: 'i',
      imageTag: null,
      ports: [8080],
      stage: 'prod',
      slot: 'blue' as const,
      domain: 'web.example.org',
      routeId: null,
      startedAt: null,
      restarts: 2,
      node: 'node-1',
    };
    const html = render(state({ 'image/web': workload('web', 'Ready', { containers: [row] }) }));
    expect(html).toMatch(
      /<td>Image<\/td>.*<td>1\/1<\/td><td><time [^>]*>5m<\/time><\/td><td><span class="msg">1\/1 running/,
    );
    expect(html).toContain('<code>0123456789ab</code>');
    expect(html).toContain('Docker <span class="ok">reachable</span>');
    expect(html).toContain('<a href="http://web.example.org/" rel="noreferrer">web.example.org</a>');
    expect(html).toContain('<td>node-1</td><td>prod blue</td>');
    const down = state({}, {});
    down.controller.docker = { reachable: false, lastError: 'connect ENOENT' };
    expect(render(down)).toContain('<span class="bad">unreachable: connect ENOENT</span>');
  });

  it('prints ages as kubectl does', () => {
    expect(age('2026-01-01T11:59:30Z', NOW)).toBe('30s');
    expect(age('2026-01-01T11:00:00Z', NOW)).toBe('60m');
    expect(age('2025-12-31T12:00:00Z', NOW)).toBe('24h');
    expect(age('2025-12-01T12:00:00Z', NOW)).toBe('31d');
    expect(age(null, NOW)).toBe('-');
  });
});
