import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ControllerState } from '../../src/api/state-types.js';
import { openController } from '../../src/app.js';
import { onceProgress, ProgressLines } from '../../src/cli/progress-lines.js';
import { fakeEngineConfig } from '../support/fake-engine-config.js';
import { FakeClock, FakeDocker } from '../support/fake-docker.js';
import { imageManifest, makeFixtureDir, removeFixtureDir } from '../support/fixture-dir.js';

const SLEEP = ['command: [sleep, "3600"]', 'network: none'];

/** `run --once`'s progress: the pass tells the port each step; the lines go to a terminal only. */
describe('run --once progress', () => {
  let dir = '';
  let stateDir = '';
  afterEach(() => {
    removeFixtureDir(dir);
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  it('a pass tells the port each action as it begins, numbered, and as it ends', async () => {
    dir = makeFixtureDir({
      'web.yaml': imageManifest('web', [...SLEEP, 'replicas: 2']),
      'api.yaml': imageManifest('api', SLEEP),
    });
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinyforge-state-'));
    const lines: string[] = [];
    const progress = new ProgressLines(
      (line) => lines.push(line),
      () => 0,
    );
    const docker = new FakeDocker(new FakeClock());
    const config = fakeEngineConfig(dir, path.join(stateDir, 'state.json'));
    const controller = await openController({ ...config, concurrency: 1 }, 'run', { docker, progress });
    try {
      await controller.tick();
      // One workload at a time: each action's two lines are together.
      expect(lines.sort()).toEqual(
        [
          'creating image/api#1 (1/3)',
          'created image/api#1',
          'creating image/web#1 (2/3)',
          'created image/web#1',
          'creating image/web#2 (3/3)',
          'created image/web#2',
        ].sort(),
      );
      expect(lines.filter((l) => / \((1|2|3)\/3\)$/.test(l))).toHaveLength(3);
      // In sync: nothing to say.
      lines.length = 0;
      await controller.tick();
      expect(lines).toEqual([]);
      // A removal is a step too.
      fs.rmSync(path.join(dir, 'api.yaml'));
      await controller.tick();
      await controller.tick();
      expect(lines).toEqual(['removing image/api#1 (1/1)', 'removed image/api#1']);
    } finally {
      controller.close();
    }
  });

  it('a rollout waiting for health is said when first seen, then every 5 s, with how long it has waited', () => {
    let now = 1000;
    const lines: string[] = [];
    const progress = new ProgressLines(
      (line) => lines.push(line),
      () => now,
    );
    const state = {
      workloads: {
        'project/app': {
          rollouts: {
            web: { phase: 'Progressing', serving: 'blue', next: 'green' },
            db: { phase: 'Complete', serving: 'blue', next: null },
          },
        },
      },
    } as unknown as ControllerState;
    for (const at of [1000, 1500, 5999, 6000, 9000, 11_400]) {
      now = at;
      progress.rolling(state, ['project/app']);
    }
    expect(lines).toEqual([
      'rollout project/app:web to green: waiting for health (0s)',
      'rollout project/app:web to green: waiting for health (5s)',
      'rollout project/app:web to green: waiting for health (10s)',
    ]);
  });

  it('is quiet when stderr is not a terminal, whatever stdout is', () => {
    const said: string[] = [];
    const output = { out: () => undefined, err: (line: string) => said.push(line) };
    expect(onceProgress({ ...output, isTTY: true })).toBeUndefined();
    expect(onceProgress({ ...output, errIsTTY: false })).toBeUndefined();
    const progress = onceProgress({ ...output, errIsTTY: true });
    progress?.rolling({ workloads: {} } as unknown as ControllerState, []);
    expect(progress).toBeInstanceOf(ProgressLines);
  });
});
