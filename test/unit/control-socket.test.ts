import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DockerEventHandlers } from '../../src/adapters/docker-events.js';
import { askController, controlSocketPath } from '../../src/app-control.js';
import { startDaemon } from '../../src/app-daemon.js';
import type { RunningDaemon } from '../../src/app-daemon.js';
import type { ControllerState } from '../../src/api/state-types.js';
import { eventually } from '../support/eventually.js';
import { FakeDocker } from '../support/fake-docker.js';
import { fakeEngineConfig } from '../support/fake-engine-config.js';
import { imageManifest, makeFixtureDir, removeFixtureDir } from '../support/fixture-dir.js';

const SLEEP = ['command: [sleep, "3600"]', 'network: none'];

/** The running daemon's handling of reconcile, suspend and resume, through its control socket, against a FakeDocker. */
describe('the control socket of the running controller', () => {
  let dir = '';
  let stateDir = '';
  const running: RunningDaemon[] = [];
  afterEach(async () => {
    for (const daemon of running.splice(0)) await daemon.stop();
    removeFixtureDir(dir);
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  const stateFile = () => path.join(stateDir, 'state.json');
  const socket = () => controlSocketPath(stateFile());
  const state = () => JSON.parse(fs.readFileSync(stateFile(), 'utf8')) as ControllerState;
  const ask = (action: 'reconcile' | 'suspend' | 'resume', name: string) =>
    askController(socket(), action, name, 10_000);
  const envOf = (docker: FakeDocker, name: string) =>
    [...docker.containers.values()].filter((c) => c.name.includes(`-${name}-`)).map((c) => c.request?.env);

  /** A daemon whose watcher waits 10 minutes: only the control socket (or a Docker event) makes a pass. */
  async function start(docker: FakeDocker) {
    let handlers: DockerEventHandlers | undefined;
    const daemon = await startDaemon(
      { ...fakeEngineConfig(dir, stateFile()), resyncMs: 600_000, debounceMs: 600_000 },
      { out: () => undefined, err: () => undefined },
      {
        docker,
        events: (h) => {
          handlers = h;
          return { start: () => undefined, stop: () => undefined };
        },
      },
    );
    running.push(daemon);
    await eventually('the first full pass', () => daemon.health.ready());
    return { daemon, handlers: handlers! };
  }

  async function stop(daemon: RunningDaemon) {
    await daemon.stop();
    running.splice(running.indexOf(daemon), 1);
  }

  function setUp(web = imageManifest('web', SLEEP)) {
    dir = makeFixtureDir({ 'web.yaml': web, 'keep.yaml': imageManifest('keep', SLEEP) });
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinyforge-state-'));
  }

  it('listens on control.sock beside the state file, mode 0600, and removes it on a clean stop', async () => {
    setUp();
    const { daemon } = await start(new FakeDocker());
    expect(fs.statSync(socket()).isSocket()).toBe(true);
    expect(fs.statSync(socket()).mode & 0o777).toBe(0o600);
    await stop(daemon);
    expect(fs.existsSync(socket())).toBe(false);
  });

  it('reconcile re-reads the manifest and applies an edit now, answering after the pass', async () => {
    setUp();
    const docker = new FakeDocker();
    await start(docker);
    fs.writeFileSync(path.join(dir, 'web.yaml'), imageManifest('web', [...SLEEP, 'env: {LEVEL: debug}']));
    const reply = await ask('reconcile', 'web');
    expect(reply).toMatchObject({ ok: true, workload: 'image/web', phase: 'Ready' });
    expect(envOf(docker, 'web')).toEqual([['LEVEL=debug']]);
    expect(await ask('reconcile', 'ghost')).toMatchObject({
      ok: false,
      workload: null,
      message: 'no workload "ghost"',
    });
  });

  it('suspend stops self-heal, resume restores it; both are events and the suspension is in the state file', async () => {
    setUp();
    const docker = new FakeDocker();
    const { handlers } = await start(docker);
    expect(await ask('suspend', 'image/web')).toMatchObject({ ok: true, workload: 'image/web', phase: 'Suspended' });
    expect(state().controller.suspended).toHaveProperty(['image/web']);
    const [id] = [...docker.containers.values()].filter((c) => c.name.includes('-web-')).map((c) => c.id);
    await docker.remove(id!);
    handlers.workload('image/web', 'destroy');
    const refused = await ask('reconcile', 'web');
    expect(refused).toMatchObject({ ok: false, phase: 'Suspended' });
    expect(refused.message).toMatch(
      /^image\/web is suspended by 'tinyforge suspend' at .*: run 'tinyforge resume web' first$/,
    );
    await eventually('the removal observed', () => state().workloads['image/web']?.containers[0]?.state === 'missing');
    expect(envOf(docker, 'web')).toEqual([]);
    expect(state().workloads['image/web']!.phase).toBe('Suspended');

    expect(await ask('resume', 'web')).toMatchObject({ ok: true, phase: 'Ready' });
    expect(envOf(docker, 'web')).toHaveLength(1);
    expect(state().controller.suspended).toEqual({});
    const reasons = state()
      .events.filter((e) => e.workload === 'image/web')
      .map((e) => e.reason);
    expect(reasons).toEqual(expect.arrayContaining(['Suspended', 'Resumed']));
  });

  it('a suspension survives a restart of the controller', async () => {
    setUp();
    const docker = new FakeDocker();
    const first = await start(docker);
    await ask('suspend', 'web');
    await stop(first.daemon);
    for (const c of [...docker.containers.values()]) if (c.name.includes('-web-')) await docker.remove(c.id);
    await start(docker);
    expect(state().workloads['image/web']!.phase).toBe('Suspended');
    expect(envOf(docker, 'web')).toEqual([]);
  });

  it('the annotation wins: resume says so and changes nothing', async () => {
    setUp(
      imageManifest('web', SLEEP).replace(
        '  name: web\n',
        '  name: web\n  annotations: {tinyforge.dev/suspend: "true"}\n',
      ),
    );
    const docker = new FakeDocker();
    await start(docker);
    const calls = docker.mutations().length;
    const reply = await ask('resume', 'web');
    expect(reply).toMatchObject({ ok: false, workload: 'image/web', phase: 'Suspended' });
    expect(reply.message).toContain('suspended by annotation tinyforge.dev/suspend in ');
    expect(docker.mutations()).toHaveLength(calls);
    expect(state().controller.suspended).toBeUndefined();
  });

  it('a socket a killed controller left is replaced', async () => {
    setUp();
    // A socket file nobody listens on any more, as a SIGKILL leaves it.
    const script = `require('node:net').createServer().listen(process.argv[1], () => process.kill(process.pid, 'SIGKILL'))`;
    spawnSync(process.execPath, ['-e', script, socket()]);
    expect(fs.statSync(socket()).isSocket()).toBe(true);
    await expect(ask('reconcile', 'web')).rejects.toMatchObject({ code: 'CONTROLLER_NOT_RUNNING' });

    await start(new FakeDocker());
    expect((await ask('reconcile', 'web')).ok).toBe(true);
  });
});
