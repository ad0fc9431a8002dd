import { afterEach, describe, expect, it } from 'vitest';
import { imageManifest, makeFixtureDir, removeFixtureDir } from '../support/fixture-dir.js';
import { NO_NODE } from '../support/fake-swarm.js';
import { SwarmHarness } from '../support/swarm-harness.js';

const HOST = ['command: [sleep, "3600"]', 'network: host'];

describe('a service whose tasks no node can take', () => {
  let dir = '';
  afterEach(() => removeFixtureDir(dir));

  it('is Progressing while its oldest task is younger than healthTimeout, then Degraded with Swarm message', async () => {
    dir = makeFixtureDir({ 'web.yaml': imageManifest('web', [...HOST, 'replicas: 2']) });
    const h = new SwarmHarness(dir);
    h.swarm.unplaceable.set('tf-web-image', h.clock.now().getTime() / 1000);
    const started = h.clock.now().getTime();
    const first = await h.tick();
    // Settling stops at once: no node will take them however long it waits.
    expect(h.clock.now().getTime() - started).toBeLessThan(1000);
    expect(first.planLines).toEqual(['+ create service tf-web-image: 2 replicas']);
    expect(h.state.workloads['image/web']).toMatchObject({
      phase: 'Progressing',
      conditions: expect.arrayContaining([
        expect.objectContaining({
          type: 'Ready',
          reason: 'Unschedulable',
          message: `2/2 tasks waiting for a node: ${NO_NODE}`,
        }),
      ]),
    });
    // A task Swarm cannot place is Swarm's business: no line, no call.
    h.swarm.calls = [];
    const quiet = await h.tick();
    expect([quiet.planLines, quiet.outcome.actions]).toEqual([[], 0]);
    expect(h.swarm.mutations()).toEqual([]);

    h.clock.advance(120_000);
    const late = await h.tick();
    expect(late.outcome.failed).toEqual(['image/web']);
    expect(h.state.workloads['image/web']).toMatchObject({
      phase: 'Degraded',
      conditions: expect.arrayContaining([
        expect.objectContaining({
          type: 'Ready',
          reason: 'Unschedulable',
          message: `2/2 tasks not placed after 120s: ${NO_NODE}`,
        }),
      ]),
    });

    h.swarm.unplaceable.clear();
    await h.tick();
    expect(h.state.workloads['image/web']!.phase).toBe('Ready');
  });
});
