import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../src/api/policy.js';
import { loadFromDisk } from '../../src/app.js';
import { imageManifest, makeFixtureDir, removeFixtureDir } from '../support/fixture-dir.js';

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

  it('loads again when a path a manifest refers to changed what it is, or an allowed host folder leads elsewhere', () => {
    dir = makeFixtureDir({
      'm/docs.yaml': imageManifest('docs')
        .replace('kind: Image', 'kind: Static')
        .replace('  image:', '  path: site\n  image:'),
      'm/site/index.html': '',
      'm/web.yaml': imageManifest('web', ['volumes: [{hostPath: ../data1, target: /data}]']),
      'data1/x': '',
    });
    const allowed = path.join(dir, 'allowed');
    fs.symlinkSync(path.join(dir, 'data1'), allowed);
    const policy = { ...DEFAULT_POLICY, allowHostPaths: [allowed] };
    const reload = (previous?: ReturnType<typeof loadFromDisk>) =>
      loadFromDisk({ dir: path.join(dir, 'm') }, policy, previous ? { previous } : {});
    const first = reload();
    expect(first.problems).toEqual([]);
    fs.rmSync(allowed);
    fs.symlinkSync(dir, allowed);
    const moved = reload(first);
    expect(moved).not.toBe(first);
    expect(moved.problems).toEqual([]);
    fs.rmSync(path.join(dir, 'm/site'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'm/site'), '');
    expect(
      reload(moved)
        .problems.map((p) => p.message)
        .join(),
    ).toMatch(/is not a folder/);
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
