import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DockerEventHandlers } from '../../src/adapters/docker-events.js';
import { startDaemon } from '../../src/app-daemon.js';
import { eventually } from '../support/eventually.js';
import { FakeDocker } from '../support/fake-docker.js';
import { fakeEngineConfig } from '../support/fake-engine-config.js';
import { imageManifest, makeFixtureDir, removeFixtureDir } from '../support/fixture-dir.js';

const SLEEP = ['command: [sleep, "3600"]', 'network: none'];
const COUNT = 30;

/** Waits until Docker has been asked nothing for `quietMs`. */
async function quiet(docker: FakeDocker, quietMs = 1000): Promise<void> {
  let seen = -1;
  let since = Date.now();
  await eventually('the daemon to go quiet', () => {
    if (docker.calls.length !== seen) [seen, since] = [docker.calls.length, Date.now()];
    return Date.now() - since >= quietMs;
  });
}

describe('a burst of Docker events through the running daemon', () => {
  let dir = '';
  let stateDir = '';
  afterEach(() => {
    removeFixtureDir(dir);
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  async function setUp() {
    const files: Record<string, string> = {};
    for (let i = 0; i < COUNT; i++) files[`w${i}.yaml`] = imageManifest(`w${i}`, SLEEP);
    dir = makeFixtureDir(files);
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinyforge-state-'));
    const docker = new FakeDocker();
    const err: string[] = [];
    let handlers: DockerEventHandlers | undefined;
    const running = await startDaemon(
      { ...fakeEngineConfig(dir, path.join(stateDir, 'state.json')), concurrency: 4, resyncMs: 60_000, debounceMs: 50 },
      { out: () => undefined, err: (line) => err.push(line) },
      {
        docker,
        events: (h) => {
          handlers = h;
          return { start: () => undefined, stop: () => undefined };
        },
      },
    );
    await eventually('the first full pass', () => running.health.ready());
    await quiet(docker);
    expect(docker.containers.size).toBe(COUNT);
    docker.calls.length = 0;
    return { docker, running, handlers: handlers!, err };
  }

  it('lists once for a burst of events for every workload', async () => {
    const { docker, running, handlers } = await setUp();
    try {
      for (let i = 0; i < COUNT; i++) handlers.workload(`image/w${i}`, 'start');
      await quiet(docker);
      expect(docker.calls.filter((c) => c === 'list')).toHaveLength(1);
    } finally {
      await running.stop();
    }
  }, 30_000);

  it('lists twice for a burst of `die` events: once for them, once for the second looks they ask for', async () => {
    const { docker, running, handlers } = await setUp();
    try {
      for (let i = 0; i < COUNT; i++) handlers.workload(`image/w${i}`, 'die');
      await quiet(docker);
      expect(docker.calls.filter((c) => c === 'list')).toHaveLength(2);
    } finally {
      await running.stop();
    }
  }, 30_000);

  it('relists after a line of the stream that is not an event, and says so', async () => {
    const { docker, running, handlers, err } = await setUp();
    try {
      handlers.unreadable('"junk"');
      await quiet(docker);
      expect(docker.calls.filter((c) => c === 'list')).toHaveLength(1);
      expect(err).toContain('Docker event stream: skipped a line that is not an event: "junk"; relisting');
    } finally {
      await running.stop();
    }
  }, 30_000);

  it('is not ready from a lost or stalled stream until it is reconnected, and says so on stderr', async () => {
    const { running, handlers, err } = await setUp();
    try {
      handlers.lost('Docker event stream stalled: nothing for 31s while the engine had 1 event for this controller');
      expect(running.health.ready()).toBe(false);
      expect(err).toContain(
        'Docker event stream stalled: nothing for 31s while the engine had 1 event for this controller; reconnecting',
      );
      handlers.reconnected();
      await eventually('ready again', () => running.health.ready());
      expect(err).toContain('Docker event stream reconnected; relisting');
    } finally {
      await running.stop();
    }
  }, 30_000);
});
