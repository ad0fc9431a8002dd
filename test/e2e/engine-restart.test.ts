import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DaemonProcess, eventually, finishDaemonTest } from '../support/daemon-process.js';
import { E2eProject, sleeper } from '../support/e2e-project.js';

const ENGINE = path.resolve(import.meta.dirname, '../support/engine.sh');

describe('a Docker daemon restart under the controller', () => {
  let project: E2eProject;
  let daemon: DaemonProcess | undefined;
  afterEach(() => finishDaemonTest(daemon, project).finally(() => (daemon = undefined)));

  it('is survived: the controller reconnects, relists and converges', { timeout: 180_000 }, async () => {
    project = new E2eProject({ 'web.yaml': sleeper('web', ['replicas: 2']) });
    const own = execFileSync('bash', [ENGINE, 'host'], { encoding: 'utf8' }).trim();
    expect(
      project.host,
      'this test restarts the engine of test/support/engine.sh; point TINYFORGE_TEST_DOCKER_HOST at it',
    ).toBe(own);
    daemon = new DaemonProcess(project);
    const d = daemon;
    const ready = () => {
      try {
        const state = project.state();
        return state.controller.docker.reachable && state.workloads['image/web']?.phase === 'Ready';
      } catch {
        return false;
      }
    };
    await eventually('web ready', ready, 20_000, 100);

    execFileSync('bash', [ENGINE, 'stop'], { stdio: 'ignore' });
    await eventually(
      'the controller noticing',
      () => /event stream (ended|failed)|cannot follow Docker events/.test(d.stderr),
      20_000,
      100,
    );
    execFileSync('bash', [ENGINE, 'start'], { stdio: 'ignore' });
    await eventually(
      'the event stream reconnected',
      () => d.stderr.includes('Docker event stream reconnected'),
      60_000,
      100,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n--- controller stderr ---\n${d.stderr}`);
    });
    await eventually(
      'web ready again',
      async () => ready() && (await project.containers()).filter((c) => c.State === 'running').length === 2,
      60_000,
      200,
    );

    // The stream works again: a removed container comes back long before the 60 s resync.
    const [victim] = await project.containers();
    await project.docker.getContainer(victim!.Id).remove({ force: true });
    const healed = await eventually(
      'web healed after the restart',
      async () => (await project.containers()).filter((c) => c.State === 'running' && c.Id !== victim!.Id).length === 2,
      20_000,
      50,
    ).catch((error: Error) => {
      throw new Error(
        `${error.message}\n--- controller stdout ---\n${d.stdout}\n--- stderr ---\n${d.stderr}\n--- state ---\n${JSON.stringify(project.state().workloads['image/web'], null, 1)}`,
      );
    });
    expect(healed).toBeLessThan(20_000);
    expect(await daemon.stop()).toBe(0);
  });
});
