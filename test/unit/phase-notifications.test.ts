import { describe, expect, it } from 'vitest';
import type { ControllerState, Phase, WorkloadStatus } from '../../src/api/state-types.js';
import { phaseNotifications, rememberPhases, severity } from '../../src/reconcile/phase-notifications.js';
import type { PhaseMemory } from '../../src/reconcile/phase-notifications.js';

const AT = '2026-01-02T03:04:05.000Z';

function workload(phase: Phase, reason: string, message = '1/1 running'): WorkloadStatus {
  return {
    phase,
    conditions: [
      { type: 'Ready', status: phase === 'Ready' ? 'True' : 'False', reason, message, lastTransitionTime: AT },
    ],
  } as WorkloadStatus;
}

function state(
  workloads: Record<string, WorkloadStatus>,
  docker = { reachable: true, lastError: null as string | null },
) {
  return {
    controller: { name: 'edge', revision: 'abc123', docker },
    workloads,
  } as unknown as ControllerState;
}

/** Feeds the states in turn, from a memory of the first; answers what each step said, as `workload phase<-previous reason`. */
function walk(...states: ControllerState[]): string[][] {
  let memory: PhaseMemory = rememberPhases(states[0]!);
  return states.slice(1).map((s) => {
    const step = phaseNotifications(memory, s, AT);
    memory = step.memory;
    return step.notifications.map((n) => `${n.workload} ${n.phase}<-${n.previousPhase} ${n.reason}`);
  });
}

const ready = workload('Ready', 'AllReplicasRunning');
const progressing = workload('Progressing', 'Progressing', '0/1 running');
const degraded = workload('Degraded', 'ReplicasNotRunning', '0/1 running: web#1 stopped (exited 3)');

describe('which phase changes are news', () => {
  it('a workload created and coming up Ready is not', () => {
    expect(walk(state({}), state({ 'image/web': progressing }), state({ 'image/web': ready }))).toEqual([[], []]);
  });

  it('Ready to Degraded is, and so is its return to Ready', () => {
    expect(
      walk(state({ 'image/web': ready }), state({ 'image/web': degraded }), state({ 'image/web': ready })),
    ).toEqual([['image/web Degraded<-Ready ReplicasNotRunning'], ['image/web Ready<-Degraded AllReplicasRunning']]);
  });

  it('a return to Ready through Progressing names the bad phase it returns from', () => {
    const failed = workload('Failed', 'ReconcileFailed', 'create: no such image');
    expect(
      walk(
        state({ 'image/web': ready }),
        state({ 'image/web': failed }),
        state({ 'image/web': progressing }),
        state({ 'image/web': ready }),
        state({ 'image/web': ready }),
      ),
    ).toEqual([['image/web Failed<-Ready ReconcileFailed'], [], ['image/web Ready<-Failed AllReplicasRunning'], []]);
  });

  it('staying Degraded says nothing again, unless it turns CrashLoop or RolloutFailed', () => {
    const crashLoop = workload('Degraded', 'CrashLoop', 'restart budget used up');
    const rolledBack = workload('Degraded', 'RolloutFailed', 'rolled back');
    expect(
      walk(
        state({ 'image/web': ready }),
        state({ 'image/web': degraded }),
        state({ 'image/web': workload('Degraded', 'ReplicasNotRunning', 'another message') }),
        state({ 'image/web': crashLoop }),
        state({ 'image/web': crashLoop }),
        state({ 'image/web': rolledBack }),
      ),
    ).toEqual([
      ['image/web Degraded<-Ready ReplicasNotRunning'],
      [],
      ['image/web Degraded<-Degraded CrashLoop'],
      [],
      ['image/web Degraded<-Degraded RolloutFailed'],
    ]);
  });

  it('a crash loop whose restart budget frees a restart now and then is told once, and again in a new stretch', () => {
    const crashLoop = workload('Degraded', 'CrashLoop', 'restart budget used up');
    const cycle = [degraded, crashLoop, degraded, crashLoop, degraded, crashLoop].map((w) => state({ 'image/web': w }));
    expect(
      walk(state({ 'image/web': ready }), ...cycle, state({ 'image/web': ready }), state({ 'image/web': crashLoop })),
    ).toEqual([
      ['image/web Degraded<-Ready ReplicasNotRunning'],
      ['image/web Degraded<-Degraded CrashLoop'],
      [],
      [],
      [],
      [],
      ['image/web Ready<-Degraded AllReplicasRunning'],
      ['image/web Degraded<-Ready CrashLoop'],
    ]);
  });

  it('Degraded to Failed is told; back to Degraded, or through Progressing, in the same stretch is not', () => {
    const failed = workload('Failed', 'ReconcileFailed');
    expect(
      walk(
        ...[ready, degraded, failed, degraded, progressing, failed, degraded, ready].map((w) =>
          state({ 'image/web': w }),
        ),
      ),
    ).toEqual([
      ['image/web Degraded<-Ready ReplicasNotRunning'],
      ['image/web Failed<-Degraded ReconcileFailed'],
      [],
      [],
      [],
      [],
      ['image/web Ready<-Degraded AllReplicasRunning'],
    ]);
  });

  it('a crash loop in the state loaded at start is not told again', () => {
    const crashLoop = workload('Degraded', 'CrashLoop', 'restart budget used up');
    expect(walk(...[crashLoop, degraded, crashLoop, ready].map((w) => state({ 'image/web': w })))).toEqual([
      [],
      [],
      ['image/web Ready<-Degraded AllReplicasRunning'],
    ]);
  });

  it('Degraded to Failed is news; Invalid, Suspended and a Ready never left are not', () => {
    const failed = workload('Failed', 'ReconcileFailed');
    expect(
      walk(
        state({ 'image/web': degraded, 'image/api': ready }),
        state({ 'image/web': failed, 'image/api': workload('Invalid', 'ManifestInvalid') }),
        state({ 'image/web': failed, 'image/api': workload('Suspended', 'Suspended') }),
        state({ 'image/web': failed, 'image/api': ready }),
      ),
    ).toEqual([['image/web Failed<-Degraded ReconcileFailed'], [], []]);
  });

  it('a workload already Degraded in the state loaded at start is told of when it recovers', () => {
    expect(walk(state({ 'image/web': degraded }), state({ 'image/web': ready }))).toEqual([
      ['image/web Ready<-Degraded AllReplicasRunning'],
    ]);
  });

  it('a new workload that comes up Failed is news, with no previous phase; a removed one is forgotten', () => {
    const failed = workload('Failed', 'ReconcileFailed');
    expect(walk(state({}), state({ 'image/web': failed }), state({}), state({ 'image/web': ready }))).toEqual([
      ['image/web Failed<-null ReconcileFailed'],
      [],
      [],
    ]);
  });

  it('Docker going away and coming back is news once each, for no workload', () => {
    const down = { reachable: false, lastError: 'connect ENOENT /var/run/docker.sock' };
    const up = { reachable: true, lastError: null };
    let memory = rememberPhases(state({ 'image/web': ready }));
    const said = [down, down, up].map((docker) => {
      const step = phaseNotifications(memory, state({ 'image/web': ready }, docker), AT);
      memory = step.memory;
      return step.notifications;
    });
    expect(said[0]).toEqual([
      {
        controller: 'edge',
        workload: null,
        phase: null,
        previousPhase: null,
        reason: 'DockerUnreachable',
        message: 'Docker is unreachable: connect ENOENT /var/run/docker.sock',
        revision: 'abc123',
        at: AT,
      },
    ]);
    expect(said[1]).toEqual([]);
    expect(said[2]).toMatchObject([
      { workload: null, reason: 'DockerReachable', message: 'Docker is reachable again' },
    ]);
  });

  it('carries the Ready condition message, the controller name and the revision', () => {
    const [[n]] = [
      phaseNotifications(rememberPhases(state({ 'image/web': ready })), state({ 'image/web': degraded }), AT)
        .notifications,
    ];
    expect(n).toEqual({
      controller: 'edge',
      workload: 'image/web',
      phase: 'Degraded',
      previousPhase: 'Ready',
      reason: 'ReplicasNotRunning',
      message: '0/1 running: web#1 stopped (exited 3)',
      revision: 'abc123',
      at: AT,
    });
  });
});

describe('how bad the news is', () => {
  it('a recovery or Docker back is good, Degraded a warning, Failed or Docker gone critical', () => {
    const failed = workload('Failed', 'ReconcileFailed');
    let memory = rememberPhases(state({ 'image/web': ready }));
    const severities = [degraded, failed, ready].map((w) => {
      const step = phaseNotifications(memory, state({ 'image/web': w }), AT);
      memory = step.memory;
      return step.notifications.map(severity);
    });
    expect(severities).toEqual([['warning'], ['critical'], ['good']]);
    const docker = (reachable: boolean) => ({
      ...{ controller: 'edge', workload: null, phase: null, previousPhase: null },
      reason: reachable ? 'DockerReachable' : 'DockerUnreachable',
      message: '',
      revision: null,
      at: AT,
    });
    expect([severity(docker(false)), severity(docker(true))]).toEqual(['critical', 'good']);
  });
});
