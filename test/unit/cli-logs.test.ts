import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { logsCommand } from '../../src/cli/logs-command.js';
import { imageManifest, removeFixtureDir } from '../support/fixture-dir.js';
import { FakeLogs, target } from '../support/fake-logs.js';
import { capturedOutput, stateFixture, writeState } from '../support/state-fixture.js';

describe('tinyforge logs (against a fake engine)', () => {
  let dir = '';
  afterEach(() => removeFixtureDir(dir));

  async function setUp(replicas: number) {
    const fixture = await stateFixture({ 'manifests/web.yaml': imageManifest('web', [`replicas: ${replicas}`]) });
    dir = fixture.dir;
    const logs = new FakeLogs();
    const opened: { state: string; name: string; dockerHost: string }[] = [];
    const open = (config: { state: string; name: string; dockerHost: string }) => {
      opened.push(config);
      return logs;
    };
    return { file: fixture.file, logs, opened, open };
  }

  it('exits 1 for no such workload and for a missing state file, before asking the engine', async () => {
    const { file, open, opened } = await setUp(1);
    const out = capturedOutput();
    expect(await logsCommand(['nope', '--state', file], out, { open })).toBe(1);
    expect(out.stderr).toEqual([expect.stringContaining('no workload "nope"')]);
    expect(await logsCommand(['web', '--state', `${file}.gone`], out, { open })).toBe(1);
    expect(out.stderr[1]).toContain('no state file at');
    expect(opened).toEqual([]);
  });

  it('finds the workload by name or id and asks the engine with the controller flags', async () => {
    const { file, open, opened, logs } = await setUp(1);
    logs.targetsNow = [target('a', 1)];
    logs.history.set('a', '2026-12-06T07:00:00Z hello\n');
    for (const name of ['web', 'image/web']) {
      const out = capturedOutput();
      const args = [name, '--state', file, '--name', 'ctl', '--docker-host', 'unix:///x.sock', '--tail', '3'];
      expect(await logsCommand(args, out, { open })).toBe(0);
      expect(out.stdout).toEqual(['hello']);
    }
    expect(opened[0]).toMatchObject({ state: file, name: 'ctl', dockerHost: 'unix:///x.sock' });
    expect(logs.streams[0]!.options).toEqual({ follow: false, tail: 3 });
  });

  it('takes the controller name from the state file unless --name says otherwise; one NAME only', async () => {
    const { file, open, opened, logs } = await setUp(1);
    logs.targetsNow = [target('a', 1)];
    expect(await logsCommand(['web', '--state', file], capturedOutput(), { open })).toBe(0);
    expect(opened[0]!.name).toBe('default');
    await expect(logsCommand(['web', 'api', '--state', file], capturedOutput(), { open })).rejects.toThrow(
      'takes one NAME (got 2)',
    );
  });

  it('reads the backend the state file names, as status does: swarm or docker (files from before backends)', async () => {
    const { file, open, opened, logs } = await setUp(1);
    logs.targetsNow = [target('a', 1)];
    expect(await logsCommand(['web', '--state', file], capturedOutput(), { open })).toBe(0);
    const state = JSON.parse(fs.readFileSync(file, 'utf8'));
    writeState(file, { ...state, controller: { ...state.controller, backend: 'swarm' } });
    logs.history.set('a', '2026-12-06T07:00:00Z hello\n');
    const out = capturedOutput();
    expect(await logsCommand(['web', '--state', file], out, { open })).toBe(0);
    expect(out.stdout).toEqual(['hello']);
    expect(opened.map((o) => (o as { backend?: string }).backend)).toEqual(['docker', 'swarm']);
  });

  it('prefixes lines when the workload has several containers, and --replica picks one (no prefix)', async () => {
    const { file, open, logs } = await setUp(2);
    logs.targetsNow = [target('a', 1), target('b', 2)];
    logs.history.set('a', '2026-12-06T07:00:00.1Z one\n');
    logs.history.set('b', '2026-12-06T07:00:00.2Z two\n');
    const all = capturedOutput();
    expect(await logsCommand(['web', '--state', file], all, { open })).toBe(0);
    expect(all.stdout).toEqual(['image-1 | one', 'image-2 | two']);
    const one = capturedOutput();
    expect(await logsCommand(['web', '--state', file, '--replica', '2'], one, { open })).toBe(0);
    expect(one.stdout).toEqual(['two']);
    const none = capturedOutput();
    expect(await logsCommand(['web', '--state', file, '--role', 'other'], none, { open })).toBe(0);
    expect(none.stderr).toEqual([expect.stringContaining('image/web has no container of that role and replica')]);
  });

  it('--since takes a duration back from now or a time', async () => {
    const { file, open, logs } = await setUp(1);
    logs.targetsNow = [target('a', 1)];
    const before = Date.now() / 1000;
    await logsCommand(['web', '--state', file, '--since', '10m'], capturedOutput(), { open });
    await logsCommand(['web', '--state', file, '--since', '2026-01-02T15:04:05Z'], capturedOutput(), { open });
    const [relative, absolute] = logs.streams.map((s) => s.options.sinceSeconds!);
    expect(relative).toBeGreaterThanOrEqual(before - 600);
    expect(relative).toBeLessThanOrEqual(Date.now() / 1000 - 600);
    expect(absolute).toBe(Date.parse('2026-01-02T15:04:05Z') / 1000);
  });

  it('-f follows until stopped (exit 0, streams closed) and picks up a container that replaced one', async () => {
    const { file, open, logs } = await setUp(1);
    logs.targetsNow = [target('a', 1)];
    let stop: () => void = () => undefined;
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    const out = capturedOutput();
    const running = logsCommand(['web', '--state', file, '-f', '--tail', '1'], out, {
      open,
      stopped: () => stopped,
      pollMs: 5,
    });
    await until(() => logs.streams.length === 1);
    logs.streams[0]!.write('2026-12-06T07:00:00Z old\n');
    logs.streams[0]!.end();
    logs.targetsNow = [target('b', 1)];
    await until(() => logs.streams.length === 2);
    // The new container's whole log: --tail was for the start only.
    expect(logs.streams[1]!.options).toEqual({ follow: true });
    logs.streams[1]!.write('2026-12-06T07:00:01Z new\n');
    stop();
    expect(await running).toBe(0);
    expect(out.stdout).toEqual(['old', 'new']);
    expect(logs.streams[1]!.closed).toBe(true);
  });

  it('says what went wrong when the engine cannot be reached: exit 1', async () => {
    const { file } = await setUp(1);
    const out = capturedOutput();
    const open = () => {
      const failing = new FakeLogs();
      failing.targets = () => Promise.reject(new Error('cannot reach Docker at unix:///x.sock: ENOENT'));
      return failing;
    };
    expect(await logsCommand(['web', '--state', file], out, { open })).toBe(1);
    expect(out.stderr).toEqual(['tinyforge: cannot reach Docker at unix:///x.sock: ENOENT']);
  });
});

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(check()).toBe(true);
}
