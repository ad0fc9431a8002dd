import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../src/api/policy.js';
import { loadFromDisk } from '../../src/app.js';
import { referenceDigest } from '../../src/adapters/reference-files.js';
import { DesiredCache, desiredCache } from '../../src/reconcile/desired-cache.js';
import { imageManifest, makeFixtureDir, removeFixtureDir } from '../support/fixture-dir.js';
import { TickHarness } from '../support/tick-harness.js';

describe('the desired-state cache: keyed by workload key, bounded by what is loaded', () => {
  let dir = '';
  afterEach(() => removeFixtureDir(dir));
  const load = () => loadFromDisk({ dir }, DEFAULT_POLICY, { cwd: dir });
  const deps = { controller: 'default', digest: referenceDigest(Buffer.alloc(32, 1)) };

  it('answers an unchanged workload from the cache across loads, and computes a changed one again', () => {
    dir = makeFixtureDir({ 'web.yaml': imageManifest('web', ['envFiles: [web.env]']), 'web.env': 'A=1\n' });
    const cache = new DesiredCache();
    const first = cache.entry(load().workloads[0]!, deps);
    // A new load brings new objects: equal keys still hit.
    expect(cache.entry(load().workloads[0]!, deps)).toBe(first);
    fs.writeFileSync(path.join(dir, 'web.env'), 'A=2\n');
    const changed = cache.entry(load().workloads[0]!, deps);
    expect(changed).not.toBe(first);
    expect(changed.hash).not.toBe(first.hash);
    // Another controller key is another spec: not answered from this one's entry.
    const other = { ...deps, digest: referenceDigest(Buffer.alloc(32, 2)) };
    expect(cache.entry(load().workloads[0]!, other).hash).not.toBe(changed.hash);
  });

  it('keeps one entry per loaded workload across many loads with changing manifests', () => {
    dir = makeFixtureDir({ 'a.yaml': imageManifest('a'), 'b.yaml': imageManifest('b') });
    const cache = new DesiredCache();
    for (let i = 0; i < 50; i++) {
      fs.writeFileSync(path.join(dir, 'a.yaml'), imageManifest('a', [`env: {ROUND: "${i}"}`]));
      const view = load();
      for (const w of view.workloads) cache.entry(w, deps);
      cache.sweep(deps.controller, view.workloads);
      expect(cache.size(deps.controller)).toBe(2);
    }
    // Sweeping one controller leaves another's entries alone.
    const view = load();
    cache.entry(view.workloads[0]!, { ...deps, controller: 'other' });
    cache.sweep(deps.controller, []);
    expect(cache.size(deps.controller)).toBe(0);
    expect(cache.size('other')).toBe(1);
  });

  it('does not grow across passes of a controller whose manifests keep changing', async () => {
    dir = makeFixtureDir({ 'a.yaml': imageManifest('a'), 'b.yaml': imageManifest('b'), 'c.yaml': imageManifest('c') });
    const h = new TickHarness(dir);
    for (let i = 0; i < 20; i++) {
      fs.writeFileSync(path.join(dir, 'a.yaml'), imageManifest('a', [`env: {ROUND: "${i}"}`]));
      if (i % 2 === 0) fs.writeFileSync(path.join(dir, `extra${i}.yaml`), imageManifest(`extra${i}`));
      if (i % 2 === 1) fs.rmSync(path.join(dir, `extra${i - 1}.yaml`));
      await h.tick();
      expect(desiredCache.size('default')).toBeLessThanOrEqual(4);
    }
  });
});
