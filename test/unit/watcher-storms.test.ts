import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { FakeDocker } from '../support/fake-docker.js';
import { eventually } from '../support/eventually.js';
import { git } from '../support/git.js';
import { imageManifest, makeFixtureDir, removeFixtureDir } from '../support/fixture-dir.js';
import { removals, startStormDaemon } from '../support/storm-daemon.js';

/** Sleepers on network none; `TINYFORGE_STORM_FILES` raises the storm's size for a soak run (20,000: about a minute). */
const SLEEP = ['command: [sleep, "3600"]', 'network: none'];
const STORM = Number(process.env.TINYFORGE_STORM_FILES ?? 2000);
/** The one container of workload `id`. */
function containerOf(docker: FakeDocker, id: string) {
  return [...docker.containers.values()].find((c) => c.labels['tinyforge.workload.id'] === id);
}

const ids = (names: string[]) => names.map((n) => `image/${n}`);

describe('watcher storms: the converged state equals the directory’s final content', () => {
  let dir = '';
  let stop: (() => Promise<void>) | undefined;
  // Stopping a controller of a soak-sized storm writes its last state: 20,000 workloads.
  afterEach(
    async () => {
      await stop?.();
      stop = undefined;
      removeFixtureDir(dir);
    },
    STORM * 5 + 10_000,
  );

  async function setUp(files: Record<string, string>) {
    dir = makeFixtureDir(files);
    const daemon = await startStormDaemon(dir);
    stop = daemon.stop;
    return daemon;
  }

  it(
    `${STORM} manifests copied in at once: exactly ${STORM} workloads, no duplicate, all in the state`,
    async () => {
      const daemon = await setUp({ 'w0.yaml': imageManifest('w0', SLEEP) });
      await daemon.converged(['image/w0']);
      const staging = makeFixtureDir({});
      const names = Array.from({ length: STORM }, (_, i) => `w${i}`);
      try {
        for (const n of names) fs.writeFileSync(path.join(staging, `${n}.yaml`), imageManifest(n, SLEEP));
        fs.cpSync(staging, dir, { recursive: true });
      } finally {
        removeFixtureDir(staging);
      }
      await daemon.converged(ids(names), STORM * 10 + 60_000);
      expect(new Set(daemon.runningIds()).size).toBe(STORM);
      expect(daemon.docker.containers.size).toBe(STORM);
      expect(removals(daemon.docker)).toEqual([]);
    },
    STORM * 20 + 60_000,
  );

  it('the directory deleted and recreated with other content: nothing pruned while it is missing, then the new content', async () => {
    const daemon = await setUp({ 'a.yaml': imageManifest('a', SLEEP), 'b.yaml': imageManifest('b', SLEEP) });
    await daemon.converged(['image/a', 'image/b']);
    fs.rmSync(dir, { recursive: true });
    await eventually('prunes refused while the directory is missing', () =>
      ['image/a', 'image/b'].every((id) =>
        daemon.state()?.events.some((e) => e.workload === id && e.reason === 'PruneRefused'),
      ),
    );
    expect(removals(daemon.docker)).toEqual([]);
    expect(daemon.runningIds()).toEqual(['image/a', 'image/b']);
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'b.yaml'), imageManifest('b', SLEEP).replace('busybox:1', 'busybox:2'));
    fs.writeFileSync(path.join(dir, 'c.yaml'), imageManifest('c', SLEEP));
    await daemon.converged(['image/b', 'image/c']);
    expect(containerOf(daemon.docker, 'image/b')?.image).toBe('tinyforge-test/busybox:2');
  }, 60_000);

  it('a Kubernetes ConfigMap `..data` symlink swap: the new content applied, nothing else touched', async () => {
    const web2 = imageManifest('web', SLEEP).replace('busybox:1', 'busybox:2');
    const daemon = await setUp({
      '..2026_12_06_01/web.yaml': imageManifest('web', SLEEP),
      '..2026_12_06_01/api.yaml': imageManifest('api', SLEEP),
      '..2026_12_06_02/web.yaml': web2,
      '..2026_12_06_02/api.yaml': imageManifest('api', SLEEP),
    });
    // Linked as the kubelet does: dir/web.yaml -> ..data/web.yaml, ..data -> the timestamped folder.
    fs.symlinkSync('..2026_12_06_01', path.join(dir, '..data'));
    for (const f of ['web.yaml', 'api.yaml']) fs.symlinkSync(path.join('..data', f), path.join(dir, f));
    await daemon.converged(['image/api', 'image/web']);
    const api = containerOf(daemon.docker, 'image/api');
    fs.symlinkSync('..2026_12_06_02', path.join(dir, '..data_tmp'));
    fs.renameSync(path.join(dir, '..data_tmp'), path.join(dir, '..data'));
    fs.rmSync(path.join(dir, '..2026_12_06_01'), { recursive: true });
    await eventually(
      'web on its new image',
      () => containerOf(daemon.docker, 'image/web')?.image.endsWith(':2') === true,
    );
    await daemon.converged(['image/api', 'image/web']);
    expect(containerOf(daemon.docker, 'image/api')?.id).toBe(api?.id);
    expect(removals(daemon.docker).every((call) => call.includes('tf-web-'))).toBe(true);
  }, 60_000);

  it('editor saves (rename-over, truncate then write, swap, backup and lock files): the final content, no prune', async () => {
    const v1 = (name: string) => imageManifest(name, SLEEP);
    const v2 = (name: string) => v1(name).replace('busybox:1', 'busybox:2');
    const daemon = await setUp({ 'web.yaml': v1('web'), 'api.yaml': v1('api') });
    await daemon.converged(['image/api', 'image/web']);
    const at = (file: string) => path.join(dir, file);
    // Vim: a swap file and its `4913` probe, the new text written aside and renamed over.
    fs.writeFileSync(at('.web.yaml.swp'), 'b0VIM 9.0 \u0000 not yaml: [');
    fs.writeFileSync(at('4913'), '');
    fs.rmSync(at('4913'));
    fs.writeFileSync(at('web.yaml~'), v2('web'));
    fs.renameSync(at('web.yaml~'), at('web.yaml'));
    // Emacs: a lock link and a backup of the old text that stays; the file truncated, then written.
    fs.symlinkSync('root@host.4242:1700000000', at('.#api.yaml'));
    fs.writeFileSync(at('api.yaml~'), v1('api'));
    fs.truncateSync(at('api.yaml'));
    await eventually('the emptied file seen', () => daemon.state()?.workloads['image/api']?.phase === 'Invalid');
    fs.writeFileSync(at('api.yaml'), v2('api'));
    fs.rmSync(at('.#api.yaml'));
    fs.rmSync(at('.web.yaml.swp'));
    await eventually('both on their new image', () =>
      ['image/api', 'image/web'].every((id) => containerOf(daemon.docker, id)?.image.endsWith(':2') === true),
    );
    await daemon.converged(['image/api', 'image/web']);
    const state = daemon.state()!;
    expect(state.invalid).toEqual([]);
    expect(state.events.filter((e) => e.reason === 'Pruned' || e.reason === 'Removed')).toEqual([]);
  }, 60_000);

  it('git branch switches in the manifest checkout mid-sync: the last branch’s content, at its commit', async () => {
    dir = makeFixtureDir({});
    git(dir, 'init', '-q', '-b', 'main');
    const commit = (branch: string, files: Record<string, string>) => {
      git(dir, 'checkout', '-q', '-B', branch);
      git(dir, 'rm', '-q', '-r', '--ignore-unmatch', '.');
      for (const [file, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, file), text);
      git(dir, 'add', '-A');
      git(dir, 'commit', '-q', '-m', branch);
      return git(dir, 'rev-parse', 'HEAD');
    };
    const branch = (names: string[], image = 'busybox:1') =>
      Object.fromEntries(names.map((n) => [`${n}.yaml`, imageManifest(n, SLEEP).replace('busybox:1', image)]));
    commit('other', branch(['b', 'c', 'd'], 'busybox:2'));
    const head = commit('third', branch(['c', 'e']));
    const main = commit('main', branch(['a', 'b', 'c']));
    const daemon = await startStormDaemon(dir);
    stop = daemon.stop;
    await daemon.converged(ids(['a', 'b', 'c']));
    expect(daemon.state()?.controller.revision).toBe(main);
    git(dir, 'checkout', '-q', 'other');
    await eventually('a pass on other', () => containerOf(daemon.docker, 'image/d') !== undefined);
    git(dir, 'checkout', '-q', 'third');
    await daemon.converged(ids(['c', 'e']));
    const state = daemon.state()!;
    expect(state.controller.revision).toBe(head);
    expect(Object.values(state.workloads).map((w) => w.lastAppliedRevision)).toEqual([head, head]);
    expect(containerOf(daemon.docker, 'image/c')?.image).toBe('tinyforge-test/busybox:1');
  }, 60_000);
});
