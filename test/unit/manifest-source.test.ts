import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../src/api/policy.js';
import { ManifestSource } from '../../src/adapters/manifest-source.js';
import { imageManifest, makeFixtureDir, removeFixtureDir } from '../support/fixture-dir.js';

describe('the daemon’s manifest source: which workloads a rescan changed', () => {
  let dir = '';
  afterEach(() => removeFixtureDir(dir));
  const write = (file: string, text: string) => fs.writeFileSync(path.join(dir, file), text);

  it('names every workload first, then only those whose key or problems changed', async () => {
    dir = makeFixtureDir({
      'web.yaml': imageManifest('web', ['envFiles: [web.env]']),
      'web.env': 'A=1\n',
      'api.yaml': imageManifest('api'),
    });
    const source = new ManifestSource(dir, DEFAULT_POLICY);
    const first = await source.rescan();
    expect(first.changed.sort()).toEqual(['image/api', 'image/web']);
    expect(first.problemsChanged).toBe(false);
    const quiet = await source.rescan();
    expect(quiet).toMatchObject({ changed: [], problemsChanged: false, revisionChanged: false });
    expect(quiet.view).toBe(first.view);

    write('web.env', 'A=2\n');
    expect((await source.rescan()).changed).toEqual(['image/web']);

    write('api.yaml', imageManifest('api', ['replicas: nope']));
    const broken = await source.rescan();
    expect(broken).toMatchObject({ changed: ['image/api'], problemsChanged: true });
    write('api.yaml', imageManifest('api', ['replicas: maybe']));
    expect((await source.rescan()).changed).toEqual(['image/api']);

    fs.rmSync(path.join(dir, 'api.yaml'));
    expect(await source.rescan()).toMatchObject({ changed: ['image/api'], problemsChanged: true });
  });

  it('says the problems of the first load are news: a controller that starts on a broken file logs it', async () => {
    dir = makeFixtureDir({ 'api.yaml': imageManifest('api', ['replicas: nope']) });
    const source = new ManifestSource(dir, DEFAULT_POLICY);
    const first = await source.rescan();
    expect(first.problemsChanged).toBe(true);
    expect(first.view.problems).toHaveLength(1);
    expect((await source.rescan()).problemsChanged).toBe(false);
  });

  it('compares the directory’s return with what was read before it went missing', async () => {
    dir = makeFixtureDir({ 'a.yaml': imageManifest('a'), 'b.yaml': imageManifest('b') });
    const source = new ManifestSource(dir, DEFAULT_POLICY);
    await source.rescan();
    fs.rmSync(dir, { recursive: true });
    expect((await source.rescan()).view.unreadable).toBeDefined();
    fs.mkdirSync(dir);
    write('b.yaml', imageManifest('b'));
    write('c.yaml', imageManifest('c'));
    // a went while the directory was away: its prune is news too.
    expect((await source.rescan()).changed.sort()).toEqual(['image/a', 'image/c']);
  });
});
