import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../src/api/policy.js';
import { createFsFileAccess } from '../../src/adapters/fs-file-access.js';
import { loadFromDisk } from '../../src/app.js';
import { imageManifest, makeFixtureDir, removeFixtureDir, staticManifest } from '../support/fixture-dir.js';

describe('reloading a manifest directory (the resync)', () => {
  let dir = '';
  afterEach(() => removeFixtureDir(dir));
  const load = (previous?: ReturnType<typeof loadFromDisk>) =>
    loadFromDisk({ dir }, DEFAULT_POLICY, previous ? { previous } : {});

  it('answers the last load when no manifest and no file they refer to changed', () => {
    dir = makeFixtureDir({
      'web.yaml': imageManifest('web', ['envFiles: [web.env]']),
      'web.env': 'A=1\n',
      'apps/api.yaml': imageManifest('api'),
    });
    const first = load();
    expect(first.problems).toEqual([]);
    expect(load(first)).toBe(first);
  });

  it('loads again when a manifest, a referenced file, or the set of files changed', () => {
    dir = makeFixtureDir({ 'web.yaml': imageManifest('web', ['envFiles: [web.env]']), 'web.env': 'A=1\n' });
    let last = load();
    const changes: [string, () => void][] = [
      [
        'a manifest edited',
        () =>
          fs.writeFileSync(path.join(dir, 'web.yaml'), imageManifest('web', ['envFiles: [web.env]', 'replicas: 2'])),
      ],
      ['an env file edited', () => fs.writeFileSync(path.join(dir, 'web.env'), 'A=2\n')],
      ['a manifest added', () => fs.writeFileSync(path.join(dir, 'api.yaml'), imageManifest('api'))],
      ['a manifest removed', () => fs.rmSync(path.join(dir, 'api.yaml'))],
      [
        'an env file replaced by a symlink to the same bytes',
        () => {
          fs.writeFileSync(path.join(dir, 'other.env'), 'A=2\n');
          fs.rmSync(path.join(dir, 'web.env'));
          fs.symlinkSync(path.join(dir, 'other.env'), path.join(dir, 'web.env'));
        },
      ],
    ];
    for (const [what, change] of changes) {
      change();
      const next = load(last);
      expect(next, what).not.toBe(last);
      expect(load(next), `${what}, then nothing`).toBe(next);
      last = next;
    }
    expect(last.workloads.find((w) => w.id === 'image/web')?.manifest.spec).toMatchObject({ replicas: 2 });
  });

  /** Loads dir/m under `policy`, reusing `previous` when given. */
  const reloaderOf = (policy: typeof DEFAULT_POLICY) => (previous?: ReturnType<typeof loadFromDisk>) =>
    loadFromDisk({ dir: path.join(dir, 'm') }, policy, previous ? { previous } : {});
  const messages = (loaded: ReturnType<typeof loadFromDisk>) => loaded.problems.map((p) => p.message).join();
  /** Points the link `name` (in dir) at `to`, made or replaced. */
  const link = (name: string, to: string) => {
    fs.rmSync(path.join(dir, name), { force: true });
    fs.symlinkSync(to, path.join(dir, name));
    return path.join(dir, name);
  };

  it('loads again when a path a manifest refers to changed what it is, or an allowed host folder leads elsewhere', () => {
    dir = makeFixtureDir({
      'm/docs.yaml': staticManifest(8081),
      'm/site/index.html': '',
      'm/web.yaml': imageManifest('web', ['volumes: [{hostPath: ../data1, target: /data}]']),
      'data1/x': '',
    });
    const reload = reloaderOf({ ...DEFAULT_POLICY, allowHostPaths: [link('allowed', path.join(dir, 'data1'))] });
    const first = reload();
    expect(first.problems).toEqual([]);
    link('allowed', dir);
    const moved = reload(first);
    expect(moved).not.toBe(first);
    expect(moved.problems).toEqual([]);
    fs.rmSync(path.join(dir, 'm/site'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'm/site'), '');
    expect(messages(reload(moved))).toMatch(/is not a folder/);
  });

  it('loads again when a Docker socket of the policy comes to lead into a mounted folder', () => {
    dir = makeFixtureDir({
      'm/web.yaml': imageManifest('web', ['volumes: [{hostPath: data, target: /data}]']),
      'm/data/x': '',
    });
    const reload = reloaderOf({ ...DEFAULT_POLICY, dockerSockets: [link('socket', path.join(dir, 'nowhere'))] });
    const first = reload();
    expect(first.problems).toEqual([]);
    link('socket', path.join(dir, 'm/data/x'));
    expect(messages(reload(first))).toMatch(/Docker socket can never be mounted/);
  });

  it('one load looks at each path once: its keys are made of what its checks saw, even of a file changed meanwhile', () => {
    dir = makeFixtureDir({ 'web.env': 'A=1\n' });
    const file = path.join(dir, 'web.env');
    const access = createFsFileAccess(dir);
    const seen = [access.inspect(file), access.readText(file)];
    expect(seen).toEqual([{ exists: true, realPath: fs.realpathSync(file), type: 'file' }, { text: 'A=1\n' }]);
    fs.rmSync(file);
    fs.mkdirSync(file);
    expect([access.inspect(file), access.readText(file)]).toEqual(seen);
    expect(createFsFileAccess(dir).inspect(file)).toMatchObject({ type: 'directory' });
  });

  it('never reuses a load that found problems: a missing file may appear without any manifest changing', () => {
    dir = makeFixtureDir({ 'web.yaml': imageManifest('web', ['envFiles: [web.env]']) });
    const broken = load();
    expect(broken.problems.map((p) => p.message).join()).toMatch(/web\.env/);
    fs.writeFileSync(path.join(dir, 'web.env'), 'A=1\n');
    const fixed = load(broken);
    expect(fixed).not.toBe(broken);
    expect(fixed.problems).toEqual([]);
    expect(fixed.workloads.map((w) => w.id)).toEqual(['image/web']);
  });
});
