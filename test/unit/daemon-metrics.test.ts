import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DockerEventHandlers } from '../../src/adapters/docker-events.js';
import { timedCalls } from '../../src/adapters/timed-calls.js';
import { startDaemon } from '../../src/app-daemon.js';
import { eventually } from '../support/eventually.js';
import { FakeDocker } from '../support/fake-docker.js';
import { fakeEngineConfig } from '../support/fake-engine-config.js';
import { imageManifest, makeFixtureDir, removeFixtureDir } from '../support/fixture-dir.js';
import { sample } from '../support/metric-sample.js';

const SLEEP = ['command: [sleep, "3600"]', 'network: none'];

describe('what the running daemon counts for /metrics', () => {
  let dir = '';
  let stateDir = '';
  afterEach(() => {
    removeFixtureDir(dir);
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  async function start(healthAddr: { host: string; port: number } | undefined) {
    dir = makeFixtureDir({
      'web.yaml': imageManifest('web', SLEEP),
      // Not on the host, and never to be pulled: its create fails before Docker is asked to create.
      'gone.yaml': imageManifest('gone', [...SLEEP, 'pullPolicy: Never']).replace('busybox:1', 'absent:1'),
    });
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinyforge-state-'));
    const docker = new FakeDocker();
    let handlers: DockerEventHandlers | undefined;
    const running = await startDaemon(
      {
        ...fakeEngineConfig(dir, path.join(stateDir, 'state.json')),
        resyncMs: 60_000,
        debounceMs: 50,
        ...(healthAddr ? { healthAddr } : {}),
      },
      { out: () => undefined, err: () => undefined },
      {
        docker,
        events: (h) => {
          handlers = h;
          return { start: () => undefined, stop: () => undefined };
        },
      },
    );
    return { docker, running, handlers: () => handlers! };
  }

  it('actions by kind and outcome, Docker calls by operation, restarts within the budget', async () => {
    const { docker, running, handlers } = await start({ host: '127.0.0.1', port: 0 });
    const text = () => running.health.metrics!.text();
    try {
      await eventually('web created', async () => sample(await text(), 'tinyforge_workloads{phase="Ready"}') === 1);
      let now = await text();
      expect(sample(now, 'tinyforge_actions_total{action="create",outcome="ok"}')).toBe(1);
      expect(sample(now, 'tinyforge_actions_total{action="create",outcome="failed"}')).toBe(1);
      // Every call the port answered is timed, under the port's own name for it.
      const asked = (call: string) => docker.calls.filter((c) => c.split(' ')[0] === call).length;
      for (const operation of ['list', 'create', 'start', 'imagePresent'])
        expect(sample(now, `tinyforge_docker_call_duration_seconds_count{operation="${operation}"}`), operation).toBe(
          asked(operation),
        );
      expect(sample(now, 'tinyforge_restarts_total')).toBe(0);

      // The container exits: self-heal starts it again, within the restart budget.
      const web = [...docker.containers.values()].find((c) => c.name.includes('-web-'))!;
      web.state = 'exited';
      handlers().workload('image/web', 'die');
      await eventually('the restart counted', async () => sample(await text(), 'tinyforge_restarts_total') === 1);
      now = await text();
      expect(sample(now, 'tinyforge_actions_total{action="start",outcome="ok"}')).toBe(1);
    } finally {
      await running.stop();
    }
  }, 30_000);

  it('has no /metrics without --health-addr, where none could ask for it', async () => {
    const { running } = await start(undefined);
    try {
      await eventually('the first full pass', () => running.health.ready());
      expect(running.health.metrics).toBeUndefined();
    } finally {
      await running.stop();
    }
  });
});

describe('a port whose calls are timed', () => {
  it('tells each call by method name, answered or failed, and passes answers and errors through', async () => {
    const told: string[] = [];
    const docker = new FakeDocker();
    const timed = timedCalls(docker, (operation, seconds) => told.push(`${operation} ${seconds >= 0}`));
    expect(await timed.list()).toEqual([]);
    docker.createError = new Error('no space');
    await expect(timed.create({ name: 'x' } as Parameters<FakeDocker['create']>[0])).rejects.toThrow('no space');
    expect(timed.id).toBe('FAKE:ENGINE:ONE');
    expect(told).toEqual(['list true', 'create true']);
  });
});
