import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { imageManifest, makeFixtureDir, removeFixtureDir } from '../support/fixture-dir.js';
import { TickHarness } from '../support/tick-harness.js';

describe('steady state over 50 workloads', () => {
  let dir = '';
  afterEach(() => removeFixtureDir(dir));

  it('costs exactly one Docker call (the list) and changes nothing', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 50; i++)
      files[`app-${i}.yaml`] = imageManifest(`app-${i}`, [
        'command: [sleep, "3600"]',
        'network: none',
        `replicas: ${(i % 3) + 1}`,
      ]);
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
    process.stderr.write(
      `steady-state tick over 50 workloads (fake engine, manifests loaded from disk): ${ms.toFixed(1)} ms, ${second.outcome.dockerCalls} Docker call\n`,
    );
  });

  it('keeps the status of a workload nothing happened to, and rebuilds the one whose container changed', async () => {
    dir = makeFixtureDir({
      'a.yaml': imageManifest('a', ['command: [sleep, "3600"]']),
      'b.yaml': imageManifest('b', ['command: [sleep, "3600"]']),
    });
    const h = new TickHarness(dir);
    await h.tick();
    const view = h.view();
    await h.tick({ view });
    const before = h.state.workloads;
    const b = [...h.docker.containers.values()].find((c) => c.name.startsWith('tf-b-'))!;
    b.health = 'unhealthy';
    h.clock.advance(1000);
    await h.tick({ view });
    expect(h.state.workloads['image/a']).toBe(before['image/a']);
    expect(h.state.workloads['image/b']).not.toBe(before['image/b']);
    expect(h.state.workloads['image/b']!.containers[0]!.health).toBe('unhealthy');

    // A manifest moved to another file, unchanged: the status says where it is declared now.
    fs.renameSync(path.join(dir, 'a.yaml'), path.join(dir, 'moved.yaml'));
    await h.tick();
    expect(h.state.workloads['image/a']!.source.file).toBe('moved.yaml');

    // A container that stopped is no longer quiet either: it is seen, and started again.
    b.state = 'exited';
    const heal = await h.tick({ view });
    expect(heal.planLines).toEqual(['~ start image/b#1: container stopped (exited)']);
  });
});
