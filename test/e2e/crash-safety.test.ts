import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../support/daemon-process.js';
import { E2eProject, sleeper } from '../support/e2e-project.js';
import { BIN } from '../support/run-cli.js';

describe('crash safety (kill -9 at any moment)', () => {
  let project: E2eProject;
  afterEach(() => project.cleanup());

  it.each([
    ['300 ms after start', async () => new Promise((r) => setTimeout(r, 300))],
    [
      'as the first container appears',
      async () => eventually('a first container', async () => (await project.containers()).length >= 1, 10_000, 5),
    ],
    [
      'with a few created and started',
      async () => eventually('three containers', async () => (await project.containers()).length >= 3, 10_000, 5),
    ],
  ])(
    'killed %s while creating 8 replicas, the next run ends with exactly 8 owned replicas',
    async (_when, killPoint) => {
      project = new E2eProject({ 'web.yaml': sleeper('web', ['replicas: 8']) });
      const child = spawn(process.execPath, [BIN, 'run', '--once', '--name', project.name], {
        cwd: project.dir,
        env: { ...process.env, DOCKER_HOST: project.host },
      });
      const exited = new Promise((resolve) => child.on('exit', resolve));
      await killPoint();
      child.kill('SIGKILL');
      await exited;

      const rerun = project.runOnce();
      expect(rerun.code, rerun.stderr + rerun.stdout).toBe(0);
      const containers = await project.containers();
      expect(containers).toHaveLength(8);
      expect(containers.every((c) => c.State === 'running')).toBe(true);
      expect(containers.map((c) => c.Labels['tinyforge.replica']).sort((a, b) => Number(a) - Number(b))).toEqual([
        '1',
        '2',
        '3',
        '4',
        '5',
        '6',
        '7',
        '8',
      ]);
      expect(project.state().workloads['image/web']).toMatchObject({
        phase: 'Ready',
        replicas: { desired: 8, running: 8, updated: 8 },
      });
      expect(project.foreign()).toEqual([]);
      // The lock of the killed run was stale and taken over; nothing is left behind.
      expect(fs.existsSync(`${project.stateFile}.lock`)).toBe(false);
    },
  );
});
