import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_POLICY } from '../../src/api/policy.js';
import { LoadCache, MAX_ENTRIES, loadDirectory } from '../../src/adapters/load-cache.js';
import { loadFromDisk } from '../../src/adapters/manifest-loader.js';
import { userCacheFolder } from '../../src/adapters/user-cache-folder.js';
import { PROJECT_ROOT } from '../support/run-cli.js';
import { imageManifest, makeFixtureDir, removeFixtureDir } from '../support/fixture-dir.js';

const EXAMPLES = path.join(PROJECT_ROOT, 'manifests');

describe('the manifest load kept between processes', () => {
  let folder = '';
  let dir = '';
  beforeEach(() => {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'tinyforge-load-cache-'));
  });
  afterEach(() => {
    fs.rmSync(folder, { recursive: true, force: true });
    if (dir) removeFixtureDir(dir);
    dir = '';
    vi.unstubAllEnvs();
  });
  /** A process's cache for `target`: each call is a new one, as a new process would make it. */
  const cacheOf = (target: string, change: Partial<Parameters<typeof LoadCache.for>[3]> = {}) =>
    LoadCache.for(target, DEFAULT_POLICY, 'docker', { build: 'build-1', folder, cwd: target, ...change })!;
  const fresh = (target: string) => loadFromDisk({ dir: target }, DEFAULT_POLICY);
  const load = (target: string, cache = cacheOf(target)) => loadDirectory(target, DEFAULT_POLICY, 'docker', { cache });

  it("serves the next process's load of the example manifests (Compose, Static, Project, env files) as a new load would make it", () => {
    const first = load(EXAMPLES);
    expect(first.problems).toEqual([]);
    expect(first.workloads.map((w) => w.kind).sort()).toEqual(expect.arrayContaining(['Compose', 'Project', 'Static']));
    const cache = cacheOf(EXAMPLES);
    const kept = cache.read()!;
    expect(kept).toEqual(first);
    expect(kept).toEqual(fresh(EXAMPLES));
    // What the next process reads is what its load answers: nothing was parsed again.
    vi.spyOn(cache, 'read').mockReturnValue(kept);
    expect(load(EXAMPLES, cache)).toBe(kept);
    expect(fs.readdirSync(folder)).toHaveLength(1);
  });

  it('answers what it kept without parsing the manifests again', () => {
    dir = makeFixtureDir({ 'web.yaml': imageManifest('web') });
    load(dir);
    const cache = cacheOf(dir);
    const entry = JSON.parse(fs.readFileSync(cache.file, 'utf8'));
    entry.load.workloads[0].manifest.spec.image = 'marked/by-the-test:1';
    fs.writeFileSync(cache.file, JSON.stringify(entry));
    expect(load(dir).workloads[0]?.manifest.spec).toMatchObject({ image: 'marked/by-the-test:1' });
  });

  it('loads again, and keeps the new load, when a manifest or a file it refers to changed', () => {
    dir = makeFixtureDir({ 'web.yaml': imageManifest('web', ['envFiles: [web.env]']), 'web.env': 'A=1\n' });
    const first = load(dir);
    fs.writeFileSync(path.join(dir, 'web.env'), 'A=2\n');
    const afterEnv = load(dir);
    expect(afterEnv.contentKey).not.toBe(first.contentKey);
    expect(afterEnv).toEqual(fresh(dir));
    fs.writeFileSync(path.join(dir, 'web.yaml'), imageManifest('web', ['envFiles: [web.env]', 'replicas: 3']));
    expect(load(dir).workloads[0]?.manifest.spec).toMatchObject({ replicas: 3 });
    expect(cacheOf(dir).read()?.workloads[0]?.manifest.spec).toMatchObject({ replicas: 3 });
  });

  it('serves only the build, policy, backend and working folder that made it', () => {
    dir = makeFixtureDir({ 'web.yaml': imageManifest('web') });
    load(dir);
    expect(cacheOf(dir).read()).toBeDefined();
    expect(cacheOf(dir, { build: 'build-2' }).read()).toBeUndefined();
    expect(cacheOf(dir, { cwd: os.tmpdir() }).read()).toBeUndefined();
    const allowing = { ...DEFAULT_POLICY, allowPrivileged: true };
    const other = { build: 'build-1', folder, cwd: dir };
    expect(LoadCache.for(dir, allowing, 'docker', other)?.read()).toBeUndefined();
    expect(LoadCache.for(dir, DEFAULT_POLICY, 'swarm', other)?.read()).toBeUndefined();
  });

  it('serves a folder reached through a link only while the link leads where it led', () => {
    // b's env file leads into a: through b it leaves the manifest directory.
    dir = makeFixtureDir({
      'a/web.yaml': imageManifest('web', ['envFiles: [web.env]']),
      'a/web.env': 'A=1\n',
      'b/web.yaml': imageManifest('web', ['envFiles: [web.env]']),
    });
    fs.symlinkSync(path.join(dir, 'a/web.env'), path.join(dir, 'b/web.env'));
    const link = path.join(dir, 'manifests');
    fs.symlinkSync(path.join(dir, 'a'), link);
    expect(load(link).problems).toEqual([]);
    fs.rmSync(link);
    fs.symlinkSync(path.join(dir, 'b'), link);
    expect(
      load(link)
        .problems.map((p) => p.message)
        .join(),
    ).toMatch(/leaves the manifest directory through a symlink/);
  });

  it('serves only while the schemas are those it was checked against', () => {
    dir = makeFixtureDir({ 'web.yaml': imageManifest('web') });
    const schemas = path.join(folder, 'schemas');
    fs.cpSync(path.join(PROJECT_ROOT, 'schemas'), schemas, { recursive: true });
    load(dir, cacheOf(dir, { schemas }));
    expect(cacheOf(dir, { schemas }).read()).toBeDefined();
    fs.appendFileSync(path.join(schemas, 'image.schema.json'), '\n');
    expect(cacheOf(dir, { schemas }).read()).toBeUndefined();
  });

  it('checks a host path again in the next process when a folder the operator allowed leads elsewhere', () => {
    dir = makeFixtureDir({ 'm/web.yaml': imageManifest('web', ['volumes: [{hostPath: ../data1, target: /data}]']) });
    fs.mkdirSync(path.join(dir, 'data1'));
    fs.mkdirSync(path.join(dir, 'data2'));
    const manifests = path.join(dir, 'm');
    const allowed = path.join(dir, 'allowed');
    const pointAllowed = (to: string) => {
      fs.rmSync(allowed, { force: true });
      fs.symlinkSync(path.join(dir, to), allowed);
    };
    const policy = { ...DEFAULT_POLICY, allowHostPaths: [allowed] };
    const cache = () => LoadCache.for(manifests, policy, 'docker', { build: 'build-1', folder, cwd: manifests })!;
    const problems = () => loadDirectory(manifests, policy, 'docker', { cache: cache() }).problems;
    pointAllowed('data1');
    expect(problems()).toEqual([]);
    pointAllowed('data2');
    expect(problems().map((p) => p.message)).toEqual([expect.stringMatching(/outside the manifest directory/)]);
    pointAllowed('data1');
    expect(problems()).toEqual([]);
  });

  it('keeps no value of an env file: those are secrets, and only their paths are part of a load', () => {
    dir = makeFixtureDir({
      'web.yaml': imageManifest('web', ['envFiles: [web.env]']),
      'web.env': 'TOKEN=s3cret-token\n',
    });
    load(dir);
    const kept = fs.readFileSync(cacheOf(dir).file, 'utf8');
    expect(kept).toContain('web.env');
    expect(kept).not.toContain('s3cret-token');
  });

  it('a read-only cache (plan, wait) reads what run --once kept and writes nothing, not even its folder', () => {
    dir = makeFixtureDir({ 'web.yaml': imageManifest('web') });
    loadDirectory(dir, DEFAULT_POLICY, 'docker', { cache: cacheOf(dir, { readOnly: true }) });
    expect(fs.readdirSync(folder)).toEqual([]);
    const kept = load(dir);
    const cache = cacheOf(dir, { readOnly: true });
    vi.spyOn(cache, 'read').mockReturnValue(kept);
    expect(loadDirectory(dir, DEFAULT_POLICY, 'docker', { cache })).toBe(kept);
    vi.stubEnv('NODE_COMPILE_CACHE', path.join(folder, 'caches'));
    expect(LoadCache.for(dir, DEFAULT_POLICY, 'docker', { build: 'build-1', readOnly: true })).toBeUndefined();
    loadDirectory(dir, DEFAULT_POLICY, 'docker', { readOnly: true });
    expect(fs.existsSync(path.join(folder, 'caches'))).toBe(false);
  });

  it('never keeps a load with a problem, and drops what it kept before', () => {
    dir = makeFixtureDir({ 'web.yaml': imageManifest('web') });
    load(dir);
    fs.writeFileSync(path.join(dir, 'web.yaml'), imageManifest('web', ['replicas: many']));
    expect(load(dir).problems).not.toEqual([]);
    expect(fs.readdirSync(folder)).toEqual([]);
  });

  it('never keeps a load that JSON would give back changed', () => {
    dir = makeFixtureDir({ 'web.yaml': imageManifest('web') });
    const loaded = load(dir);
    expect(fs.readdirSync(folder)).toHaveLength(1);
    const workload = { ...loaded.workloads[0]!, manifest: { ...loaded.workloads[0]!.manifest, extra: undefined } };
    cacheOf(dir).write({ ...loaded, workloads: [workload] });
    expect(fs.readdirSync(folder)).toEqual([]);
  });

  it('loads as usual past an entry cut short, and writes it whole again', () => {
    dir = makeFixtureDir({ 'web.yaml': imageManifest('web') });
    load(dir);
    const { file } = cacheOf(dir);
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').slice(0, 100));
    expect(load(dir)).toEqual(fresh(dir));
    expect(cacheOf(dir).read()).toEqual(fresh(dir));
  });

  it('loads as usual past an entry that is not a load, or holds what this code would never write', () => {
    dir = makeFixtureDir({ 'web.yaml': imageManifest('web') });
    load(dir);
    const { file } = cacheOf(dir);
    const entry = JSON.parse(fs.readFileSync(file, 'utf8'));
    for (const text of ['null', '[]', JSON.stringify({ ...entry, load: { ...entry.load, workloads: [{}] } })]) {
      fs.writeFileSync(file, text);
      expect(load(dir), text.slice(0, 20)).toEqual(fresh(dir));
    }
  });

  it("reads only an entry that is this user's alone: not one others may write, not through a link", () => {
    dir = makeFixtureDir({ 'web.yaml': imageManifest('web') });
    load(dir);
    const { file } = cacheOf(dir);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    fs.chmodSync(file, 0o622);
    expect(cacheOf(dir).read()).toBeUndefined();
    fs.chmodSync(file, 0o600);
    expect(cacheOf(dir).read()).toBeDefined();
    fs.linkSync(file, `${file}.second-name`);
    expect(cacheOf(dir).read()).toBeUndefined();
    fs.rmSync(`${file}.second-name`);
    fs.renameSync(file, `${file}.real`);
    fs.symlinkSync(`${file}.real`, file);
    expect(cacheOf(dir).read()).toBeUndefined();
  });

  it(`keeps the ${MAX_ENTRIES} files written last, a killed writer's temp file among the oldest`, () => {
    dir = makeFixtureDir({ 'web.yaml': imageManifest('web') });
    const leftover = path.join(folder, 'a-killed-writer.json.123.tmp');
    fs.writeFileSync(leftover, '{');
    fs.utimesSync(leftover, 0, 0);
    for (let i = 0; i < MAX_ENTRIES + 2; i++) {
      const cache = cacheOf(dir, { cwd: `/work/${i}` });
      load(dir, cache);
      fs.utimesSync(cache.file, i, i);
    }
    expect(fs.readdirSync(folder)).toHaveLength(MAX_ENTRIES);
    expect(fs.existsSync(leftover)).toBe(false);
    expect(cacheOf(dir, { cwd: '/work/0' }).read()).toBeUndefined();
    expect(cacheOf(dir, { cwd: `/work/${MAX_ENTRIES + 1}` }).read()).toBeDefined();
  });

  it('is off with NODE_DISABLE_COMPILE_CACHE, when tinyforge runs unbuilt, and in a folder others may write', () => {
    vi.stubEnv('NODE_COMPILE_CACHE', folder);
    expect(userCacheFolder('manifests')).toBe(path.join(folder, `tinyforge-manifests-${process.getuid?.()}`));
    expect(LoadCache.for(EXAMPLES, DEFAULT_POLICY, 'docker', { build: 'build-1' })).toBeDefined();
    fs.chmodSync(userCacheFolder('manifests')!, 0o777);
    expect(userCacheFolder('manifests')).toBeUndefined();
    expect(LoadCache.for(EXAMPLES, DEFAULT_POLICY, 'docker', { build: 'build-1' })).toBeUndefined();
    fs.chmodSync(userCacheFolder('manifests') ?? path.join(folder, `tinyforge-manifests-${process.getuid?.()}`), 0o700);
    expect(userCacheFolder('manifests')).toBeDefined();
    // The folder it is in: others may not write there unless, as in /tmp, the sticky bit keeps them to their own.
    fs.chmodSync(folder, 0o777);
    expect(userCacheFolder('manifests')).toBeUndefined();
    fs.chmodSync(folder, 0o1777);
    expect(userCacheFolder('manifests')).toBeDefined();
    fs.chmodSync(folder, 0o700);
    // vitest runs src/: no build, no ID.
    expect(LoadCache.for(EXAMPLES, DEFAULT_POLICY, 'docker', { folder })).toBeUndefined();
    vi.stubEnv('NODE_DISABLE_COMPILE_CACHE', '1');
    expect(LoadCache.for(EXAMPLES, DEFAULT_POLICY, 'docker', { build: 'build-1', folder })).toBeUndefined();
  });
});
