import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ControllerState } from '../../src/api/state-types.js';
import { DaemonProcess, eventually } from '../support/daemon-process.js';
import { E2eProject, sleeper } from '../support/e2e-project.js';
import { runCli } from '../support/run-cli.js';
import { StateReader } from '../support/state-reader.js';

/**
 * Faults of the state folder under the long-running controller on the real engine (as
 * root: the folder is a 64 KiB tmpfs mounted for the test). EACCES/EPERM is made with
 * `chattr +i` on the folder, which denies root as well: creating the temp file fails EPERM.
 */
interface Fault {
  name: string;
  inject(dir: string): void;
  remove(dir: string): void;
}

const sh = (command: string, ...args: string[]) => execFileSync(command, args, { stdio: 'pipe' });

const FAULTS: Fault[] = [
  {
    name: 'full',
    inject(dir) {
      const filler = path.join(dir, 'filler');
      try {
        for (;;) fs.appendFileSync(filler, Buffer.alloc(1024, 120));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
      }
    },
    remove: (dir) => fs.rmSync(path.join(dir, 'filler'), { force: true }),
  },
  {
    name: 'readonly',
    inject: (dir) => sh('mount', '-o', 'remount,ro', dir),
    remove: (dir) => sh('mount', '-o', 'remount,rw', dir),
  },
  {
    name: 'immutable',
    inject: (dir) => sh('chattr', '+i', dir),
    remove: (dir) => sh('chattr', '-i', dir),
  },
];

describe('state folder faults under the long-running controller', () => {
  let project: E2eProject;
  let folder = '';
  let reader: StateReader;
  const port = 20000 + Math.floor(Math.random() * 9000);
  let daemon: DaemonProcess | undefined;
  let current: Fault | undefined;

  const http = async (route: string) => {
    const res = await fetch(`http://127.0.0.1:${port}${route}`).catch(() => undefined);
    return { status: res?.status, body: (await res?.text()) ?? '' };
  };
  const metric = async (series: string) =>
    Number(new RegExp(`^${series} (\\S+)$`, 'm').exec((await http('/metrics')).body)?.[1]);
  const onDisk = () => JSON.parse(fs.readFileSync(project.stateFile, 'utf8')) as ControllerState;
  const running = async (name: string) =>
    (await project.containers()).some((c) => c.Names[0]!.includes(`-${name}-`) && c.State === 'running');

  beforeAll(async () => {
    project = new E2eProject({ 'web.yaml': sleeper('web') });
    folder = path.dirname(project.stateFile);
    reader = new StateReader(project.stateFile, 3);
    fs.mkdirSync(folder, { mode: 0o700 });
    sh('mount', '-t', 'tmpfs', '-o', 'size=64k,mode=0700', 'tmpfs', folder);
    daemon = new DaemonProcess(project, ['--health-addr', `127.0.0.1:${port}`, '--resync', '1s']);
    await eventually('ready', async () => (await http('/readyz')).status === 200, 30_000, 100);
    reader.start();
  });

  afterEach(() => {
    if (current) current.remove(folder);
    current = undefined;
  });

  afterAll(async () => {
    await reader?.stop();
    await daemon?.stop();
    // Each step on its own: a test that failed half-way leaves any of them to undo.
    for (const undo of [() => sh('chattr', '-i', folder), () => sh('umount', '-l', folder)])
      try {
        undo();
      } catch {}
    await project.cleanup();
  });

  it.each(FAULTS)('a $name state folder: reported while it lasts, everything written after it', async (fault) => {
    const workload = `late-${fault.name}`;
    const failuresBefore = await metric('tinyforge_state_write_failures_total');
    const stderrBefore = daemon!.stderr.length;
    current = fault;
    const injectedAt = Date.now();
    fault.inject(folder);

    // A workload arrives during the fault: the engine gets it, the file cannot say so.
    project.write(`${workload}.yaml`, sleeper(workload));
    await eventually(`${workload} running`, () => running(workload), 30_000, 100);
    await eventually('the failed write on stderr', () =>
      daemon!.stderr.slice(stderrBefore).includes('cannot write the state file'),
    );
    const ready = await http('/readyz');
    expect(ready.status).toBe(503);
    expect(ready.body).toMatch(/^not ok: cannot write the state file .*state\.json: /);
    expect(await metric('tinyforge_state_write_failing')).toBe(1);
    expect(await metric('tinyforge_state_write_failures_total')).toBeGreaterThan(failuresBefore);
    const status = runCli(['status'], { cwd: project.dir });
    expect(status.code).toBe(0);
    expect(status.stderr).toMatch(/warning: the state folder .* the controller cannot update .*, so it is stale/);
    expect(onDisk().workloads[`image/${workload}`]).toBeUndefined();
    expect(daemon!.child.exitCode).toBeNull();
    // Retried on every pass, said once: the log line and the event are not repeated per retry.
    await eventually(
      'three failed writes',
      async () => (await metric('tinyforge_state_write_failures_total')) >= failuresBefore + 3,
      30_000,
      100,
    );
    expect(daemon!.stderr.slice(stderrBefore).match(/cannot write the state file/g)).toHaveLength(1);

    fault.remove(folder);
    current = undefined;
    await eventually(
      `${workload} Ready in the state file`,
      () => onDisk().workloads[`image/${workload}`]?.phase === 'Ready',
      30_000,
      100,
    );
    // The reader has read this version too: each fault adds one it must have seen whole.
    await eventually('the reader saw the written version', () => reader.latest.includes(`"image/${workload}"`));
    const state = onDisk();
    expect(Object.keys(state.workloads).sort()).toEqual(
      ['image/web', ...FAULTS.slice(0, FAULTS.indexOf(fault) + 1).map((f) => `image/late-${f.name}`)].sort(),
    );
    expect(Object.values(state.workloads).every((w) => w.phase === 'Ready')).toBe(true);
    expect(state.events).toContainEqual(expect.objectContaining({ workload: `image/${workload}`, reason: 'Created' }));
    const failed = state.events.filter((e) => e.reason === 'StateWriteFailed' && Date.parse(e.at) >= injectedAt);
    expect(failed).toEqual([
      expect.objectContaining({
        type: 'Warning',
        workload: null,
        message: expect.stringMatching(/^cannot write the state file /),
      }),
    ]);
    await eventually('ready again', async () => (await http('/readyz')).status === 200, 15_000, 100);
    expect(await metric('tinyforge_state_write_failing')).toBe(0);
    expect(daemon!.stderr.slice(stderrBefore)).toContain('the state file is written again');
    const after = runCli(['status'], { cwd: project.dir });
    expect(after.stderr).not.toContain('warning');
    expect(reader.problems).toEqual([]);
  });

  it('the reader saw every version of the file whole', () => {
    expect(reader.problems).toEqual([]);
    expect(reader.distinct).toBeGreaterThan(3);
  });
});
