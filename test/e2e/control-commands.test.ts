import { Ajv2020 } from 'ajv/dist/2020.js';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DaemonProcess, eventually, finishDaemonTest } from '../support/daemon-process.js';
import { E2eProject, sleeper } from '../support/e2e-project.js';
import { runCli } from '../support/run-cli.js';

const stateSchema = JSON.parse(
  fs.readFileSync(path.resolve(import.meta.dirname, '../../schemas/state.schema.json'), 'utf8'),
);
const validateState = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true }).compile(stateSchema);

/** Neither the resync nor the watcher makes a pass within a test: only Docker's events and the control socket do. */
const QUIET = ['--resync', '10m', '--debounce', '10m'];

describe('reconcile, suspend and resume against the running controller and the real engine', () => {
  let project: E2eProject;
  let daemon: DaemonProcess | undefined;
  afterEach(() => finishDaemonTest(daemon, project).finally(() => (daemon = undefined)));

  const cli = (...args: string[]) => runCli(args, { cwd: project.dir, env: { DOCKER_HOST: project.host } });
  const socket = () => path.join(project.dir, '.tinyforge', 'control.sock');
  const webContainers = async () => (await project.containers()).filter((c) => c.Names[0]!.includes('-web-'));
  const phase = (name: string) => project.state().workloads[`image/${name}`]?.phase;

  /** A controller on the project, once it has converged every workload. */
  async function startDaemon(): Promise<DaemonProcess> {
    const started = new DaemonProcess(project, QUIET);
    await eventually('both workloads Ready', () => {
      try {
        return (
          project.state().controller.pid === started.child.pid && phase('web') === 'Ready' && phase('keep') === 'Ready'
        );
      } catch {
        return false;
      }
    });
    return started;
  }

  it('reconcile applies an edit before the resync interval; a second controller never takes the socket', async () => {
    project = new E2eProject({ 'web.yaml': sleeper('web'), 'keep.yaml': sleeper('keep') });
    daemon = await startDaemon();
    const before = (await webContainers())[0]!.Id;
    project.write('web.yaml', sleeper('web', ['env: {LEVEL: "debug"}']));
    const reconciled = cli('reconcile', 'web');
    expect(reconciled, reconciled.stderr).toMatchObject({
      code: 0,
      stdout: 'reconciled image/web: Ready (1/1 running)\n',
    });
    const [after] = await webContainers();
    expect(after!.Id).not.toBe(before);
    expect((await project.docker.getContainer(after!.Id).inspect()).Config.Env).toContain('LEVEL=debug');

    expect(cli('reconcile', 'ghost')).toMatchObject({ code: 1 });
    // A second controller on the same state file is refused by the lock before it touches the socket.
    const inode = fs.statSync(socket()).ino;
    expect(project.runOnce().code).toBe(2);
    expect(fs.statSync(socket()).ino).toBe(inode);
    expect(cli('reconcile', 'keep').code).toBe(0);
  });

  it('suspend stops self-heal, also across a restart of the controller; resume restores it', async () => {
    project = new E2eProject({ 'web.yaml': sleeper('web'), 'keep.yaml': sleeper('keep') });
    daemon = await startDaemon();
    const suspended = cli('suspend', 'web');
    expect(suspended, suspended.stderr).toMatchObject({ code: 0 });
    expect(suspended.stdout).toMatch(/^suspended image\/web: Suspended \(suspended by 'tinyforge suspend' at /);
    expect(cli('status').stdout).toMatch(/web\s+Image\s+Suspended\s+1\/1/);
    expect(validateState(project.state()), JSON.stringify(validateState.errors)).toBe(true);

    await project.docker.getContainer((await webContainers())[0]!.Id).remove({ force: true });
    // Docker's event made a pass: the row is missing, and nothing was recreated.
    await eventually(
      'the removal observed',
      () => project.state().workloads['image/web']!.containers[0]!.state === 'missing',
    );
    expect(await webContainers()).toEqual([]);

    expect(await daemon.stop()).toBe(0);
    expect(fs.existsSync(socket())).toBe(false);
    daemon = new DaemonProcess(project, QUIET);
    const d = daemon;
    await eventually(
      'the restarted controller passed',
      () => project.state().controller.pid === d.child.pid && phase('keep') === 'Ready',
    );
    expect(phase('web')).toBe('Suspended');
    expect(await webContainers()).toEqual([]);

    const resumed = cli('resume', 'web');
    expect(resumed, resumed.stderr).toMatchObject({ code: 0, stdout: 'resumed image/web: Ready (1/1 running)\n' });
    expect((await webContainers()).map((c) => c.State)).toEqual(['running']);
    const reasons = project
      .state()
      .events.filter((e) => e.workload === 'image/web')
      .map((e) => e.reason);
    expect(reasons).toEqual(expect.arrayContaining(['Suspended', 'Resumed']));
  });

  it('the suspend annotation wins: resume says so, exits 1 and changes nothing', async () => {
    const annotated = sleeper('web').replace(
      '  name: web\n',
      '  name: web\n  annotations: {tinyforge.dev/suspend: "true"}\n',
    );
    project = new E2eProject({ 'web.yaml': sleeper('web'), 'keep.yaml': sleeper('keep') });
    daemon = await startDaemon();
    project.write('web.yaml', annotated);
    const refused = cli('reconcile', 'web');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /suspended by annotation tinyforge.dev\/suspend in .*: remove the annotation there to reconcile it/,
    );
    const id = (await webContainers())[0]!.Id;
    const resumed = cli('resume', 'web');
    expect(resumed.code).toBe(1);
    expect(resumed.stderr).toContain(
      'image/web: Suspended (image/web is suspended by annotation tinyforge.dev/suspend in ',
    );
    expect(project.state().controller.suspended).toBeUndefined();
    expect((await webContainers()).map((c) => c.Id)).toEqual([id]);
  });

  it('without a running controller: a clear error naming the state file, also when a killed one left its socket, which the next run removes', async () => {
    project = new E2eProject({ 'web.yaml': sleeper('web'), 'keep.yaml': sleeper('keep') });
    const none = cli('reconcile', 'web');
    expect(none.code).toBe(1);
    expect(none.stderr).toBe(
      `tinyforge reconcile: no controller is running for the state file .tinyforge/state.json (nothing listens on ${socket()}); start one with 'tinyforge run'\n`,
    );
    daemon = await startDaemon();
    daemon.child.kill('SIGKILL');
    await daemon.exited;
    expect(fs.statSync(socket()).isSocket()).toBe(true);
    const stale = cli('suspend', 'web');
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain('no controller is running for the state file .tinyforge/state.json');
    // The next run that holds the lock tidies what the killed controller left, `run --once` too.
    expect(project.runOnce().code).toBe(0);
    expect(fs.existsSync(socket())).toBe(false);
    daemon = await startDaemon();
    expect(cli('reconcile', 'web').code).toBe(0);
  });
});
