import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PLACEHOLDER_TTL_MS } from '../../src/reconcile/observe.js';
import { imageManifest, makeFixtureDir, removeFixtureDir } from '../support/fixture-dir.js';
import { TickHarness } from '../support/tick-harness.js';

const SLEEP = ['command: [sleep, "3600"]', 'network: none', 'init: true'];

describe('rows written by the deploy path', () => {
  let dir = '';
  afterEach(() => removeFixtureDir(dir));

  it('a field removed from the manifest is cleared from the row the recreate writes', async () => {
    dir = makeFixtureDir({ 'web.yaml': imageManifest('web', [...SLEEP, 'domain: web.localhost']) });
    const h = new TickHarness(dir);
    await h.tick();
    expect(h.state.workloads['image/web']?.containers[0]?.domain).toBe('web.localhost');

    fs.writeFileSync(path.join(dir, 'web.yaml'), imageManifest('web', SLEEP));
    const result = await h.tick();
    expect(result.planLines).toEqual([expect.stringMatching(/^~ recreate image\/web#1: .*domain changed/)]);
    expect(h.state.workloads['image/web']?.containers).toEqual([
      expect.objectContaining({ id: 'image/web:image:1', state: 'running', domain: null }),
    ]);
  });

  it('a create that keeps failing keeps its first placement time and gives up after 5 minutes (CreateNeverObserved)', async () => {
    dir = makeFixtureDir({ 'web.yaml': imageManifest('web', SLEEP) });
    const h = new TickHarness(dir);
    h.docker.createError = new Error('create failed: no space left on device');
    const first = h.clock.now().toISOString();
    await h.tick();
    expect(h.state.workloads['image/web']?.containers).toEqual([
      expect.objectContaining({ state: 'starting', containerId: null, placedAt: first }),
    ]);

    // Each tick re-places the row; the placeholder still dates from the first attempt.
    for (let minute = 1; minute < 5; minute++) {
      h.clock.advance(60_000);
      await h.tick();
      expect(h.state.workloads['image/web']?.containers).toEqual([
        expect.objectContaining({ state: 'starting', placedAt: first }),
      ]);
    }
    h.clock.advance(60_000);
    expect(h.clock.now().getTime() - Date.parse(first)).toBe(PLACEHOLDER_TTL_MS);
    await h.tick();
    expect(h.state.workloads['image/web']?.containers).toEqual([
      expect.objectContaining({ state: 'missing', containerId: null, reason: 'CreateNeverObserved' }),
    ]);
    // Creates that go on failing do not bring the given-up placeholder back.
    h.clock.advance(60_000);
    await h.tick();
    expect(h.state.workloads['image/web']?.containers).toEqual([
      expect.objectContaining({ state: 'missing', reason: 'CreateNeverObserved' }),
    ]);

    // Once Docker creates again, the row is the container's.
    h.docker.createError = undefined;
    h.clock.advance(60_000);
    await h.tick();
    const row = h.state.workloads['image/web']?.containers[0];
    expect(row).toMatchObject({ state: 'running', containerId: expect.any(String) });
    expect(row?.reason).toBeUndefined();
    expect(row?.placedAt).toBeUndefined();
  });

  it('a placeholder without a placement time (an older state file) is given one and expires', async () => {
    dir = makeFixtureDir({ 'web.yaml': imageManifest('web', SLEEP) });
    const h = new TickHarness(dir);
    h.docker.createError = new Error('create failed: no space left on device');
    await h.tick();
    for (const row of h.state.workloads['image/web']!.containers) delete row.placedAt;
    // The image is gone now and cannot be pulled: no create is tried, so nothing places the row again.
    h.docker.images.clear();

    h.clock.advance(60_000);
    const stamped = h.clock.now().toISOString();
    await h.tick();
    expect(h.docker.mutations().filter((c) => c.startsWith('create'))).toHaveLength(1);
    expect(h.state.workloads['image/web']?.containers).toEqual([
      expect.objectContaining({ state: 'starting', containerId: null, placedAt: stamped }),
    ]);
    h.clock.advance(PLACEHOLDER_TTL_MS);
    await h.tick();
    expect(h.state.workloads['image/web']?.containers).toEqual([
      expect.objectContaining({ state: 'missing', reason: 'CreateNeverObserved' }),
    ]);
  });
});
