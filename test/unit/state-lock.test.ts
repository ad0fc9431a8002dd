import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { procFacts } from '../../src/adapters/process-facts.js';
import { acquireStateLock } from '../../src/adapters/state-lock.js';
import { makeFixtureDir, removeFixtureDir } from '../support/fixture-dir.js';
import { PROJECT_ROOT } from '../support/run-cli.js';

const facts = procFacts();

/** A live process of this test: `node` holding the lock through the built controller code, or an unrelated `sleep`. */
function child(command: 'lock-holder' | 'sleep', stateFile = ''): Promise<ChildProcess> {
  const lockModule = pathToFileURL(path.join(PROJECT_ROOT, 'dist/adapters/state-lock.js')).href;
  const script = `const { acquireStateLock } = await import(${JSON.stringify(lockModule)});
acquireStateLock(${JSON.stringify(stateFile)}, 'tinyforge run --name child');
process.stdout.write('locked\\n');
setInterval(() => {}, 60_000);`;
  const started =
    command === 'sleep' ? spawn('sleep', ['60']) : spawn(process.execPath, ['--input-type=module', '-e', script]);
  if (command === 'sleep')
    return new Promise((resolve, reject) => started.once('spawn', () => resolve(started)).once('error', reject));
  return new Promise((resolve, reject) => {
    started.stdout!.once('data', () => resolve(started));
    started.once('exit', (code) => reject(new Error(`the lock holder exited with ${code}`)));
  });
}

/** Kills a child of this test and waits until it is reaped: a zombie would still answer kill(pid, 0). */
async function end(proc: ChildProcess | undefined): Promise<void> {
  if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  proc.kill('SIGKILL');
  await exited;
}

describe('the state lock (guarantee 11)', () => {
  let dir = '';
  let other: ChildProcess | undefined;
  afterEach(async () => {
    await end(other);
    other = undefined;
    removeFixtureDir(dir);
  });

  function stateFile(claim?: Record<string, unknown>): string {
    dir = makeFixtureDir({});
    const file = path.join(dir, 'state.json');
    if (claim) fs.writeFileSync(`${file}.lock`, JSON.stringify(claim));
    return file;
  }

  const takenOver = (file: string) => {
    const release = acquireStateLock(file, 'test');
    expect(JSON.parse(fs.readFileSync(`${file}.lock`, 'utf8')).pid).toBe(process.pid);
    release();
    expect(fs.existsSync(`${file}.lock`)).toBe(false);
  };

  it('records what proves the holder: pid, host, boot and the start time /proc gives', () => {
    const file = stateFile();
    const release = acquireStateLock(file, 'tinyforge run --name default');
    const claim = JSON.parse(fs.readFileSync(`${file}.lock`, 'utf8'));
    expect(claim).toMatchObject({
      pid: process.pid,
      holder: 'tinyforge run --name default',
      host: facts.host(),
      bootId: facts.bootId(),
    });
    expect(claim.startTime).toMatch(/^\d+$/);
    const stat = fs.readFileSync('/proc/self/stat', 'utf8');
    expect(claim.startTime).toBe(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[22 - 3]);
    release();
  });

  it('refuses while a controller really holds it, naming the holder; takes it over once that one is gone', async () => {
    const file = stateFile();
    other = await child('lock-holder', file);
    expect(() => acquireStateLock(file, 'test')).toThrow(
      new RegExp(
        `is in use by another controller: pid ${other.pid} \\(tinyforge run --name child, since \\d{4}-.*\\); lock file ${file}\\.lock$`,
      ),
    );
    await end(other);
    takenOver(file);
  });

  it('takes over a lock whose pid now names another process: pid 1, started at another time', () => {
    takenOver(
      stateFile({
        pid: 1,
        holder: 'tinyforge run',
        since: '2026-11-27T09:00:00Z',
        host: facts.host(),
        bootId: facts.bootId(),
        startTime: '999999999',
      }),
    );
  });

  it('takes over a lock of an earlier boot or another host, though its pid is alive and started then', () => {
    const ppid = {
      pid: process.ppid,
      holder: 'tinyforge run',
      host: facts.host(),
      bootId: facts.bootId(),
      startTime: facts.startTime(process.ppid),
    };
    expect(() => acquireStateLock(stateFile(ppid), 'test')).toThrow(`pid ${process.ppid} (tinyforge run`);
    removeFixtureDir(dir);
    takenOver(stateFile({ ...ppid, bootId: 'b0a7b0a7-0000-4000-8000-000000000000' }));
    removeFixtureDir(dir);
    takenOver(stateFile({ ...ppid, host: `not-${facts.host()}` }));
  });

  it('reads a lock of an earlier version (a pid alone): held while its pid runs node, stale when it runs something else', async () => {
    const legacy = { holder: 'tinyforge run --name default', since: '2026-11-27T09:00:00Z' };
    // This test's parent process is vitest, in node.
    expect(() => acquireStateLock(stateFile({ ...legacy, pid: process.ppid }), 'test')).toThrow(
      `pid ${process.ppid} (tinyforge run --name default, since 2026-11-27T09:00:00Z)`,
    );
    removeFixtureDir(dir);
    other = await child('sleep');
    takenOver(stateFile({ ...legacy, pid: other.pid }));
  });

  it('gives a live holder whose start time it cannot read (/proc mounted hidepid) the benefit of the doubt', () => {
    const hidden = { ...facts, startTime: (pid: number) => (pid === process.pid ? facts.startTime(pid) : undefined) };
    const file = stateFile({
      pid: process.ppid,
      holder: 'tinyforge run',
      host: facts.host(),
      bootId: facts.bootId(),
      startTime: '999999999',
    });
    expect(() => acquireStateLock(file, 'test', hidden)).toThrow(`pid ${process.ppid} (tinyforge run`);
  });

  it('takes over a lock whose process is gone', () => {
    takenOver(stateFile({ pid: 2 ** 22 + 7, holder: 'gone' }));
  });

  it('without /proc, trusts a live pid: a lock naming any live process is held', async () => {
    const noProc = procFacts(path.join(PROJECT_ROOT, 'no-such-proc'));
    other = await child('sleep');
    const file = stateFile({ pid: other.pid, holder: 'tinyforge run' });
    expect(() => acquireStateLock(file, 'test', noProc)).toThrow(`pid ${other.pid} (tinyforge run`);
    await end(other);
    const release = acquireStateLock(file, 'test', noProc);
    expect(JSON.parse(fs.readFileSync(`${file}.lock`, 'utf8'))).toEqual({
      pid: process.pid,
      holder: 'test',
      since: expect.any(String),
      host: noProc.host(),
    });
    release();
  });
});
