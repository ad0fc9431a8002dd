import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { daemonOverDirectory } from '../support/daemon-over-directory.js';
import { imageManifest, makeFixtureDir, removeFixtureDir } from '../support/fixture-dir.js';

const RESYNC_MS = 30_000;

describe('file and Docker events that never arrive', () => {
  let dir = '';
  afterEach(() => removeFixtureDir(dir));

  it('converge at the next resync: an edit no watcher saw, a container removed with no event', async () => {
    dir = makeFixtureDir({ 'web.yaml': imageManifest('web') });
    const { h, daemon, running, advance } = daemonOverDirectory(dir, { resyncMs: RESYNC_MS });
    daemon.start();
    expect(await advance(0)).toBe(1);
    expect(running()).toEqual(['image/web#1']);

    fs.writeFileSync(path.join(dir, 'web.yaml'), imageManifest('web', ['replicas: 2']));
    const [first] = h.docker.containers.keys();
    h.docker.containers.delete(first!);
    // No fileChanged(), no workloadChanged(): nothing happens until the resync is due.
    expect(await advance(RESYNC_MS - 1)).toBe(0);
    expect(running()).toEqual([]);

    expect(await advance(1)).toBe(1);
    expect(running()).toEqual(['image/web#1', 'image/web#2']);
    expect(h.state.workloads['image/web']).toMatchObject({ phase: 'Ready', replicas: { desired: 2, running: 2 } });
    await daemon.stop();
  });
});
