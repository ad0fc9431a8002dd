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
    // Two replicas, one removed: a list showing none of them would wait for a second list (engine-check.ts).
    dir = makeFixtureDir({ 'web.yaml': imageManifest('web', ['replicas: 2']) });
    const { h, daemon, running, advance } = daemonOverDirectory(dir, { resyncMs: RESYNC_MS });
    daemon.start();
    expect(await advance(0)).toBe(1);
    expect(running()).toEqual(['image/web#1', 'image/web#2']);

    fs.writeFileSync(path.join(dir, 'web.yaml'), imageManifest('web', ['replicas: 3']));
    const [first] = h.docker.containers.keys();
    h.docker.containers.delete(first!);
    // No fileChanged(), no workloadChanged(): nothing happens until the resync is due.
    expect(await advance(RESYNC_MS - 1)).toBe(0);
    expect(running()).toEqual(['image/web#2']);

    expect(await advance(1)).toBe(1);
    expect(running()).toEqual(['image/web#1', 'image/web#2', 'image/web#3']);
    expect(h.state.workloads['image/web']).toMatchObject({ phase: 'Ready', replicas: { desired: 3, running: 3 } });
    await daemon.stop();
  });
});
