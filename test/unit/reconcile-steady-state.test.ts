import { afterEach, describe, expect, it } from 'vitest';
import { imageManifest, makeFixtureDir, removeFixtureDir } from '../support/fixture-dir.js';
import { TickHarness } from '../support/tick-harness.js';

describe('steady state over 50 workloads', () => {
  let dir = '';
  afterEach(() => removeFixtureDir(dir));

  it('costs exactly one Docker call (the list) and changes nothing', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 50; i++) files[`app-${i}.yaml`] = imageManifest(`app-${i}`, ['command: [sleep, "3600"]', 'network: none', `replicas: ${(i % 3) + 1}`]);
    dir = makeFixtureDir(files);
    const h = new TickHarness(dir);
    const first = await h.tick();
    expect(first.outcome.actions).toBe(99);
    h.docker.calls = [];
    const started = performance.now();
    const second = await h.tick();
    const ms = performance.now() - started;
    expect(h.docker.calls).toEqual(['list']);
    expect(second.outcome).toMatchObject({ actions: 0, dockerCalls: 1, mutations: 0 });
    expect(Object.values(second.state.workloads).every((w) => w.phase === 'Ready')).toBe(true);
    // Reported, not asserted: timing belongs to benchmarks.
    process.stderr.write(`steady-state tick over 50 workloads (fake engine, manifests loaded from disk): ${ms.toFixed(1)} ms, ${second.outcome.dockerCalls} Docker call\n`);
  });
});
