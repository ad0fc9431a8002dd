import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ControllerState } from '../../src/api/state-types.js';
import { startDaemon } from '../../src/app-daemon.js';
import type { RunningDaemon } from '../../src/app-daemon.js';
import { eventually } from '../support/eventually.js';
import { FakeDocker } from '../support/fake-docker.js';
import { fakeEngineConfig } from '../support/fake-engine-config.js';
import { imageManifest, makeFixtureDir, removeFixtureDir } from '../support/fixture-dir.js';

const SLEEP = ['command: [sleep, "3600"]', 'network: none'];

describe('the long-running controller on a list that shows none of its containers', () => {
  let dir = '';
  let stateDir = '';
  afterEach(() => {
    removeFixtureDir(dir);
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  /** A controller over `web` (2 replicas) on `docker`, with no event stream: passes come from start-up and rechecks. */
  function start(docker: FakeDocker): Promise<RunningDaemon> {
    const file = path.join(stateDir, 'state.json');
    return startDaemon(
      { ...fakeEngineConfig(dir, file), resyncMs: 60_000, debounceMs: 50 },
      { out: () => undefined, err: () => undefined },
      { docker, events: () => ({ start() {}, stop() {} }) },
    );
  }

  const state = () => JSON.parse(fs.readFileSync(path.join(stateDir, 'state.json'), 'utf8')) as ControllerState;

  async function converged(): Promise<FakeDocker> {
    dir = makeFixtureDir({ 'web.yaml': imageManifest('web', [...SLEEP, 'replicas: 2']) });
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinyforge-state-'));
    const docker = new FakeDocker();
    const running = await start(docker);
    await eventually('readiness', () => running.health.ready());
    await running.stop();
    expect(docker.containers.size).toBe(2);
    docker.containers.clear();
    docker.calls = [];
    return docker;
  }

  it('another engine ID: nothing is made, /readyz says why', async () => {
    const docker = await converged();
    docker.id = 'FAKE:ENGINE:TWO';
    const running = await start(docker);
    try {
      await eventually('the reason', () => running.health.notReadyBecause?.()?.includes('engine ID changed') ?? false);
      expect(running.health.ready()).toBe(false);
      expect(running.health.notReadyBecause?.()).toContain('run with --accept-new-engine to adopt it');
      expect(docker.mutations()).toEqual([]);
      expect(state().events.filter((e) => e.reason === 'EngineChanged')).toHaveLength(1);
    } finally {
      await running.stop();
    }
  }, 30_000);

  it('same engine ID: the pass is held, and a look again after the grace makes them again', async () => {
    const docker = await converged();
    const running = await start(docker);
    try {
      await eventually('the containers made again', () => docker.containers.size === 2, 15_000);
      // Two lists at least the grace apart before the first create.
      const beforeCreate = docker.calls.slice(
        0,
        docker.calls.findIndex((c) => c.startsWith('create')),
      );
      expect(beforeCreate.filter((c) => c === 'list').length).toBeGreaterThanOrEqual(2);
      await eventually('readiness', () => running.health.ready());
      expect(state().events.map((e) => e.reason)).toContain('ContainersVanished');
    } finally {
      await running.stop();
    }
  }, 30_000);
});
