import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import { afterEach, describe, expect, it } from 'vitest';
import { E2eProject, sleeper } from '../support/e2e-project.js';
import { PROJECT_ROOT, runCli } from '../support/run-cli.js';

const ENGINE_SH = path.join(PROJECT_ROOT, 'test/support/engine.sh');

/** Runs the test engine's script on a private engine folder of this test's (a second engine on this host). */
function secondEngine(dir: string, command: 'start' | 'remove'): string {
  const env = { ...process.env, TINYFORGE_ENGINE_DIR: dir };
  return execFileSync('bash', [ENGINE_SH, command], { env, encoding: 'utf8', timeout: 120_000 }).trim();
}

/** Removes the project's containers behind the controller's back, as `docker rm -f $(docker ps -aq)` would. */
async function removeAll(project: E2eProject): Promise<void> {
  for (const c of await project.containers()) await project.docker.getContainer(c.Id).remove({ force: true });
  expect(await project.containers()).toEqual([]);
}

describe('a list that shows none of the owned containers, against the real engine', () => {
  let project: E2eProject;
  afterEach(() => project.cleanup());

  it('another engine ID: run --once creates nothing and exits 1 until --accept-new-engine', async () => {
    project = new E2eProject({ 'web.yaml': sleeper('web'), 'api.yaml': sleeper('api') });
    expect(project.runOnce().code).toBe(0);
    // The ID recorded is the engine's own, with its data root.
    const info = (await project.docker.info()) as { ID: string; DockerRootDir: string };
    const realId = `${info.ID}@${info.DockerRootDir}`;
    expect(project.state().controller.docker.engineId).toBe(realId);

    // As the controller sees another engine (or a swapped data root): none of its containers, another ID.
    const state = project.state();
    state.controller.docker.engineId = 'ANOTHER:ENGINE:ID';
    fs.writeFileSync(project.stateFile, JSON.stringify(state));
    await removeAll(project);
    const held = project.runOnce();
    expect(held.code, held.stderr).toBe(1);
    expect(held.stderr).toContain(
      `tinyforge: engine ID changed from ANOTHER:ENGINE:ID to ${realId} (another engine, or its data root was swapped)`,
    );
    expect(held.stderr).toContain('--accept-new-engine');
    expect(await project.containers()).toEqual([]);
    const after = project.state();
    expect(after.controller.docker).toMatchObject({ reachable: true, engineId: 'ANOTHER:ENGINE:ID' });
    expect(after.workloads['image/web']?.containers[0]?.state).toBe('running'); // nothing marked missing
    expect(after.events.filter((e) => e.reason === 'EngineChanged')).toHaveLength(1);
    expect(runCli(['status'], { cwd: project.dir }).stdout).toContain('engine ID changed from ANOTHER:ENGINE:ID');

    const adopted = project.runOnce(['--accept-new-engine']);
    expect(adopted.code, adopted.stderr).toBe(0);
    expect(await project.names()).toHaveLength(2);
    expect(project.state().controller.docker).toEqual({ reachable: true, lastError: null, engineId: realId });
  });

  it('a second engine on the same host (Docker 20.10 gives both one ID: the data root tells them apart)', async () => {
    project = new E2eProject({ 'web.yaml': sleeper('web') });
    expect(project.runOnce().code).toBe(0);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tf-eid-'));
    try {
      const host = secondEngine(dir, 'start');
      const held = project.cli('run', ['--once'], { DOCKER_HOST: host });
      expect(held.code, held.stderr).toBe(1);
      expect(held.stderr).toMatch(/engine ID changed from \S+@\S+ to \S+@\S+ \(another engine/);
      const other = new Docker({ socketPath: host.slice('unix://'.length) });
      expect(await other.listContainers({ all: true })).toEqual([]);
      // Back on the first engine nothing was lost: in sync.
      const back = project.runOnce();
      expect([back.code, back.stdout]).toEqual([0, 'in sync: 1/1 workloads ready\n']);
    } finally {
      secondEngine(dir, 'remove');
    }
  }, 120_000);

  it('same engine, every owned container removed: run --once makes them again once a second list agrees', async () => {
    project = new E2eProject({ 'web.yaml': sleeper('web', ['replicas: 2']) });
    expect(project.runOnce().code).toBe(0);
    const before = (await project.containers()).map((c) => c.Id);
    await removeAll(project);

    const healed = project.runOnce();
    expect(healed.code, healed.stderr).toBe(0);
    const now = await project.containers();
    expect(now.map((c) => c.State)).toEqual(['running', 'running']);
    expect(now.some((c) => before.includes(c.Id))).toBe(false);
    expect(healed.stdout).toContain('2 actions applied');
    expect(project.state().events.map((e) => e.reason)).toContain('ContainersVanished');
  });
});
