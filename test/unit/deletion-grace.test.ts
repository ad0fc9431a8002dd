import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DELETION_GRACE_MS } from '../../src/adapters/manifest-source.js';
import { daemonOverDirectory } from '../support/daemon-over-directory.js';
import { imageManifest, makeFixtureDir, removeFixtureDir } from '../support/fixture-dir.js';

const RESYNC_MS = 600_000; // far away: only file events and the grace's own rescan act here

describe('a manifest file that vanishes', () => {
  let dir = '';
  afterEach(() => removeFixtureDir(dir));

  it('and comes back within the grace (a rename-save) removes nothing; one that stays away is deleted after it', async () => {
    dir = makeFixtureDir({ 'web.yaml': imageManifest('web'), 'api.yaml': imageManifest('api') });
    const { h, daemon, running, advance } = daemonOverDirectory(dir, { resyncMs: RESYNC_MS });
    daemon.start();
    await advance(0);
    expect(running()).toEqual(['image/api#1', 'image/web#1']);
    const ids = [...h.docker.containers.keys()];
    h.docker.calls = [];

    // An editor's rename-save: unlink, then the same file again 500 ms later, each seen by the watcher.
    const web = path.join(dir, 'web.yaml');
    const text = fs.readFileSync(web, 'utf8');
    fs.unlinkSync(web);
    daemon.fileChanged();
    await advance(500);
    expect(h.state.workloads['image/web']?.phase).toBe('Ready');
    fs.writeFileSync(web, text);
    daemon.fileChanged();
    await advance(DELETION_GRACE_MS * 2);
    expect(h.docker.mutations()).toEqual([]);
    expect([...h.docker.containers.keys()]).toEqual(ids);

    fs.unlinkSync(path.join(dir, 'api.yaml'));
    daemon.fileChanged();
    await advance(150); // the watcher's quiet period: the first scan without the file
    await advance(DELETION_GRACE_MS - 1);
    expect(h.docker.mutations()).toEqual([]);
    await advance(1);
    expect(running()).toEqual(['image/web#1']);
    expect(h.state.workloads['image/api']).toBeUndefined();
    await daemon.stop();
  });
});
