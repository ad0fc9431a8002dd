import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../src/api/policy.js';
import { loadFromDisk } from '../../src/app.js';
import { isManifestFileName } from '../../src/manifest/manifest-file-name.js';
import { imageManifest, makeFixtureDir, removeFixtureDir } from '../support/fixture-dir.js';

describe('scanning the manifest directory', () => {
  let dir = '';
  afterEach(() => removeFixtureDir(dir));

  it('ignores editor and sync leftovers, hidden files and folders', () => {
    for (const name of [
      'web.yaml~',
      'web.yaml.swp',
      '.web.yaml.swp',
      '4913',
      '.#web.yaml',
      '.web.yaml.Xa12bC',
      'web.sync-conflict-20260101-101010-ABCDEFG.yaml',
      'notes.txt',
    ]) {
      expect(isManifestFileName(name), name).toBe(false);
    }
    expect(isManifestFileName('web.yaml')).toBe(true);
    expect(isManifestFileName('web.yml')).toBe(true);

    dir = makeFixtureDir({
      'web.yaml': imageManifest('web'),
      'web.yaml~': 'garbage: [',
      '.web.yaml.swp': 'garbage: [',
      '4913': '',
      '.#web.yaml': 'garbage: [',
      'web.sync-conflict-20260101-101010-ABCDEFG.yaml': 'garbage: [',
      '.git/config.yaml': 'garbage: [',
      '.hidden/x.yaml': 'garbage: [',
      'apps/api.yml': imageManifest('api'),
    });
    const load = loadFromDisk({ dir }, DEFAULT_POLICY, { cwd: dir });
    expect(load.problems).toEqual([]);
    expect(load.workloads.map((w) => [w.id, w.source.file])).toEqual([
      ['image/api', 'apps/api.yml'],
      ['image/web', 'web.yaml'],
    ]);
  });

  it('follows a symlink that stays inside the directory, and reads each real file once', () => {
    dir = makeFixtureDir({ 'real/web.yaml': imageManifest('web') });
    fs.symlinkSync('real/web.yaml', path.join(dir, 'link.yaml'));
    fs.symlinkSync('real', path.join(dir, 'linked-folder'));
    const load = loadFromDisk({ dir }, DEFAULT_POLICY, { cwd: dir });
    expect(load.problems).toEqual([]);
    expect(load.workloads.map((w) => w.id)).toEqual(['image/web']);
  });

  it('never follows a folder symlink to / or to a parent out of the directory, and says so; nothing else changes', () => {
    dir = makeFixtureDir({ 'web.yaml': imageManifest('web'), 'sub/api.yaml': imageManifest('api') });
    const real = fs.realpathSync(dir);
    fs.symlinkSync('/', path.join(dir, 'root'));
    fs.symlinkSync('..', path.join(dir, 'up'));
    // Loops that stay inside, a hidden link and a data folder elsewhere (a hostPath) are skipped quietly.
    fs.symlinkSync('..', path.join(dir, 'sub', 'back'));
    fs.symlinkSync('.', path.join(dir, 'self'));
    fs.symlinkSync('/', path.join(dir, '.hidden-root'));
    fs.symlinkSync('/etc', path.join(dir, 'data'));
    const load = loadFromDisk({ dir }, DEFAULT_POLICY, { cwd: dir });
    expect(load.unreadable).toBeUndefined();
    expect(load.problems.map((p) => `${p.file}:${p.line}:${p.column}: ${p.message}`)).toEqual([
      'root:1:1: symlink to /, a folder that holds the manifest directory: not followed',
      `up:1:1: symlink to ${path.dirname(real)}, a folder that holds the manifest directory: not followed`,
    ]);
    expect(load.workloads.map((w) => [w.id, w.source.file])).toEqual([
      ['image/api', 'sub/api.yaml'],
      ['image/web', 'web.yaml'],
    ]);
  });

  it('says a missing directory is unreadable rather than empty', () => {
    dir = makeFixtureDir({});
    const load = loadFromDisk({ dir: path.join(dir, 'gone') }, DEFAULT_POLICY, { cwd: dir });
    expect(load.unreadable).toBe('gone: no such file or folder');
    expect(load.workloads).toEqual([]);
  });

  it('keeps valid documents of a file when another document of it is invalid, and marks the file', () => {
    dir = makeFixtureDir({ 'both.yaml': `${imageManifest('good')}---\n${imageManifest('bad', ['replicas: -1'])}` });
    const load = loadFromDisk({ dir }, DEFAULT_POLICY, { cwd: dir });
    expect(load.workloads.map((w) => w.id)).toEqual(['image/good']);
    expect(load.invalidIds).toEqual(['image/bad']);
    expect(load.invalidFiles).toEqual(['both.yaml']);
  });
});
