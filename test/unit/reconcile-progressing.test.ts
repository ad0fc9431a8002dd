import { afterEach, describe, expect, it } from 'vitest';
import { imageManifest, makeFixtureDir, removeFixtureDir } from '../support/fixture-dir.js';
import { TickHarness } from '../support/tick-harness.js';

const SLEEP = ['command: [sleep, "3600"]', 'network: none'];

describe('a workload whose actions are still settling', () => {
  let dir = '';
  afterEach(() => removeFixtureDir(dir));

  it('is Progressing while a container started this pass is not yet running, then Ready once it runs', async () => {
    dir = makeFixtureDir({ 'web.yaml': imageManifest('web', SLEEP) });
    const h = new TickHarness(dir);
    h.docker.slowStarting.add('tinyforge-test/busybox:1');
    await h.tick();
    const web = h.state.workloads['image/web']!;
    expect(web.phase).toBe('Progressing');
    expect(web.conditions.map((c) => [c.type, c.status, c.reason])).toEqual([
      ['Ready', 'False', 'Progressing'],
      ['Reconciling', 'True', 'Progressing'],
    ]);
    expect(web.containers.map((r) => r.state)).toEqual(['created']);

    // It comes up: the next pass finds it running.
    for (const c of h.docker.containers.values()) c.state = 'running';
    await h.tick();
    expect(h.state.workloads['image/web']!.phase).toBe('Ready');
    expect(h.state.workloads['image/web']!.conditions.map((c) => c.type)).toEqual(['Ready']);
  });

  it('is Degraded, not Progressing, when a container it did not start this pass is down', async () => {
    dir = makeFixtureDir({ 'web.yaml': imageManifest('web', SLEEP) });
    const h = new TickHarness(dir);
    h.mayHeal = () => false;
    await h.tick();
    for (const c of h.docker.containers.values()) c.state = 'exited';
    await h.tick();
    expect(h.state.workloads['image/web']!.phase).toBe('Degraded');
  });
});
