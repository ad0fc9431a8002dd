import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { watch } from 'chokidar';
import { afterEach, describe, expect, it } from 'vitest';
import { ManifestWatcher } from '../../src/adapters/manifest-watcher.js';
import type { WatchMode } from '../../src/adapters/manifest-watcher.js';
import { eventually } from '../support/daemon-process.js';
import { makeFixtureDir, removeFixtureDir } from '../support/fixture-dir.js';

describe('the manifest watcher', () => {
  let dir = '';
  let watcher: ManifestWatcher | undefined;
  afterEach(async () => {
    await watcher?.close();
    removeFixtureDir(dir);
  });

  it('reports changes of manifests and of the files they refer to, hidden .env included, but not .git', async () => {
    dir = makeFixtureDir({ 'web.yaml': 'a: 1\n', '.git/HEAD': 'ref: x\n' });
    let changes = 0;
    watcher = new ManifestWatcher(dir, { changed: () => changes++, status: () => undefined });
    await watcher.start();
    fs.writeFileSync(path.join(dir, '.git', 'index'), 'x');
    await new Promise((r) => setTimeout(r, 300));
    expect(changes).toBe(0);
    fs.writeFileSync(path.join(dir, '.env'), 'A=1\n');
    await eventually('the .env change', () => changes > 0, 5000);
    const seen = changes;
    fs.writeFileSync(path.join(dir, 'web.yaml'), 'a: 2\n');
    await eventually('the manifest change', () => changes > seen, 5000);
  });

  it('falls back to polling when the watcher fails (ENOSPC), and says so', async () => {
    dir = makeFixtureDir({ 'web.yaml': 'a: 1\n' });
    const statuses: [WatchMode, string | null][] = [];
    let failing: EventEmitter | undefined;
    const flaky = ((paths: string, options: Parameters<typeof watch>[1]) => {
      if (options?.usePolling || options?.depth === 0) return watch(paths, options);
      const fake = Object.assign(new EventEmitter(), { close: async () => undefined });
      failing = fake;
      setImmediate(() => fake.emit('ready'));
      return fake;
    }) as unknown as typeof watch;
    let changes = 0;
    watcher = new ManifestWatcher(
      dir,
      { changed: () => changes++, status: (mode, error) => statuses.push([mode, error]) },
      flaky,
    );
    await watcher.start();
    failing!.emit(
      'error',
      Object.assign(new Error('ENOSPC: System limit for number of file watchers reached'), { code: 'ENOSPC' }),
    );
    await eventually('the fallback', () => watcher!.mode === 'polling' && statuses.length > 0, 5000);
    expect(statuses[0]).toEqual(['polling', 'ENOSPC: System limit for number of file watchers reached']);
    await new Promise((r) => setTimeout(r, 600));
    fs.writeFileSync(path.join(dir, 'web.yaml'), 'a: 22\n');
    await eventually('a change seen by polling', () => changes > 0, 5000);
  });
});
