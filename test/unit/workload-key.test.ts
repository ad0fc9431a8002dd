import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../src/api/policy.js';
import { loadFromDisk } from '../../src/app.js';
import { imageManifest, makeFixtureDir, removeFixtureDir } from '../support/fixture-dir.js';

const composeManifest = (name: string) =>
  `apiVersion: tinyforge.dev/v1\nkind: Compose\nmetadata:\n  name: ${name}\nspec:\n  file: ${name}.compose.yaml\n`;
const composeFile = (image: string) => `services:\n  app:\n    image: ${image}\n`;

describe('a workload key: what the workload is made of, computed at load', () => {
  let dir = '';
  afterEach(() => removeFixtureDir(dir));
  const write = (file: string, text: string) => fs.writeFileSync(path.join(dir, file), text);
  /** A fresh load (never the last one reused), as id -> key. */
  const keys = () => {
    const load = loadFromDisk({ dir }, DEFAULT_POLICY, { cwd: dir });
    expect(load.problems).toEqual([]);
    return new Map(load.workloads.map((w) => [w.id, w.key]));
  };
  const setUp = () => {
    dir = makeFixtureDir({
      'web.yaml': imageManifest('web', ['envFiles: [web.env]']),
      'web.env': 'A=1\n',
      'api.yaml': imageManifest('api'),
      'notes.yaml': composeManifest('notes'),
      'notes.compose.yaml': composeFile('tinyforge-test/busybox:1'),
      'README.md': 'not a manifest\n',
    });
  };

  it('is a sha256 one can print, equal across loads of the same files', () => {
    setUp();
    const first = keys();
    expect([...first.values()].every((k) => /^[0-9a-f]{64}$/.test(k))).toBe(true);
    expect(new Set(first.values()).size).toBe(3);
    expect(keys()).toEqual(first);
  });

  it('does not change when only unrelated files change, or a file is written with the same bytes', () => {
    setUp();
    const first = keys();
    write('README.md', 'still not a manifest\n');
    write('web.env', 'A=1\n');
    write('notes.compose.yaml', composeFile('tinyforge-test/busybox:1'));
    write('api.yaml', imageManifest('api'));
    expect(keys()).toEqual(first);
  });

  it.each([
    ['the manifest', 'web.yaml', imageManifest('web', ['envFiles: [web.env]', 'replicas: 2']), 'image/web'],
    ['a referenced env file', 'web.env', 'A=2\n', 'image/web'],
    ['the Compose file', 'notes.compose.yaml', composeFile('tinyforge-test/busybox:2'), 'compose/notes'],
    ['another manifest', 'api.yaml', imageManifest('api', ['replicas: 3']), 'image/api'],
  ])('changes with %s, for that workload only', (_what, file, text, changedId) => {
    setUp();
    const before = keys();
    write(file, text);
    const after = keys();
    for (const [id, key] of before) {
      if (id === changedId) expect(after.get(id), id).not.toBe(key);
      else expect(after.get(id), id).toBe(key);
    }
  });

  it('changes when the manifest moves to another file', () => {
    setUp();
    const before = keys();
    fs.renameSync(path.join(dir, 'api.yaml'), path.join(dir, 'api2.yaml'));
    expect(keys().get('image/api')).not.toBe(before.get('image/api'));
  });
});
