import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { imageManifest, makeFixtureDir, removeFixtureDir } from '../support/fixture-dir.js';
import { TickHarness } from '../support/tick-harness.js';

const SLEEP = ['command: [sleep, "3600"]', 'network: none', 'init: true'];
const GRACE_MS = 2000;

describe('a list that shows none of the owned containers (another engine, a swapped data root)', () => {
  let dir = '';
  afterEach(() => removeFixtureDir(dir));

  /** Two workloads, three containers, converged; the call log cleared. */
  async function converged(): Promise<TickHarness> {
    dir = makeFixtureDir({
      'web.yaml': imageManifest('web', [...SLEEP, 'replicas: 2']),
      'api.yaml': imageManifest('api', SLEEP),
    });
    const h = new TickHarness(dir);
    await h.tick();
    expect(h.docker.containers.size).toBe(3);
    h.docker.calls = [];
    return h;
  }

  it('the first run records the engine ID; a steady pass then makes exactly one call', async () => {
    dir = makeFixtureDir({ 'web.yaml': imageManifest('web', SLEEP) });
    const h = new TickHarness(dir);
    await h.tick();
    expect(h.state.controller.docker.engineId).toBe('FAKE:ENGINE:ONE');
    expect(h.docker.calls.filter((c) => c === 'engineId')).toHaveLength(1);

    h.docker.calls = [];
    const steady = await h.tick();
    expect(h.docker.calls).toEqual(['list']);
    expect(steady.outcome.dockerCalls).toBe(1);
  });

  it('an engine that will not say its ID on the first run is asked once, not on every pass', async () => {
    dir = makeFixtureDir({ 'web.yaml': imageManifest('web', SLEEP) });
    const h = new TickHarness(dir);
    h.docker.engineIdError = new Error('Docker did not answer within 10s (engine info)');
    const first = await h.tick();
    expect(first.outcome.dockerReachable).toBe(true);
    expect(h.state.controller.docker).toEqual({ reachable: true, lastError: null, engineId: null });
    h.docker.calls = [];
    await h.tick();
    expect(h.docker.calls).toEqual(['list']);
  });

  it('same engine: nothing is made on the first list, all is made again once a list the grace later agrees', async () => {
    const h = await converged();
    const before = structuredClone(h.state.workloads);
    h.docker.containers.clear();

    const first = await h.tick();
    expect(h.docker.mutations()).toEqual([]);
    expect(first.planLines).toEqual([]);
    expect(first.outcome.rolling.sort()).toEqual(['image/api', 'image/web']);
    expect(h.state.workloads).toEqual(before); // nothing marked missing
    expect(first.events).toEqual([expect.objectContaining({ type: 'Warning', reason: 'ContainersVanished' })]);

    h.clock.advance(GRACE_MS / 2);
    expect((await h.tick()).events).toEqual([]); // still within the grace, said once
    expect(h.docker.mutations()).toEqual([]);

    h.clock.advance(GRACE_MS / 2);
    const confirmed = await h.tick();
    expect(confirmed.planLines).toHaveLength(3);
    expect(h.docker.containers.size).toBe(3);
    expect(h.state.workloads['image/web']).toMatchObject({ phase: 'Ready', replicas: { running: 2 } });
  });

  it('same engine: containers that are listed again within the grace are left alone', async () => {
    const h = await converged();
    const saved = new Map(h.docker.containers);
    h.docker.containers.clear();
    await h.tick();
    h.docker.containers = saved;
    h.clock.advance(GRACE_MS);
    await h.tick();
    // A later disappearance starts a grace of its own.
    h.docker.containers.clear();
    h.clock.advance(GRACE_MS);
    await h.tick();
    expect(h.docker.mutations()).toEqual([]);
  });

  it('another engine ID: nothing is made, marked missing or pruned, until --accept-new-engine', async () => {
    const h = await converged();
    const before = structuredClone(h.state.workloads);
    h.docker.containers.clear();
    h.docker.id = 'FAKE:ENGINE:TWO';
    fs.rmSync(path.join(dir, 'api.yaml')); // a prune, were the list believed

    for (let pass = 0; pass < 2; pass++) {
      h.clock.advance(GRACE_MS);
      const held = await h.tick();
      expect(h.docker.mutations()).toEqual([]);
      expect(h.state.workloads).toEqual(before);
      expect(held.outcome.held).toMatch(
        /^engine ID changed from FAKE:ENGINE:ONE to FAKE:ENGINE:TWO .*--accept-new-engine/,
      );
      expect(h.state.controller.docker).toEqual({
        reachable: true,
        lastError: held.outcome.held,
        engineId: 'FAKE:ENGINE:ONE',
      });
    }
    // Said once, not every pass.
    expect(h.state.events.filter((e) => e.reason === 'EngineChanged')).toHaveLength(1);

    const adopted = await h.tick({ acceptNewEngine: true });
    expect(adopted.outcome.held).toBeUndefined();
    expect(adopted.planLines).toEqual(expect.arrayContaining([expect.stringMatching(/^\+ create image\/web#1/)]));
    expect(h.docker.containers.size).toBe(2);
    expect(h.state.controller.docker).toEqual({ reachable: true, lastError: null, engineId: 'FAKE:ENGINE:TWO' });
    expect(adopted.events).toContainEqual(expect.objectContaining({ reason: 'EngineAdopted' }));
  });

  it('plan says the same: held on another engine ID, what a confirmed pass makes on the same one', async () => {
    const h = await converged();
    h.docker.containers.clear();
    const same = await h.tick({ dryRun: true });
    expect(same.planLines).toHaveLength(3);
    expect(same.outcome.held).toBeUndefined();

    h.docker.id = 'FAKE:ENGINE:TWO';
    const other = await h.tick({ dryRun: true });
    expect(other.planLines).toEqual([]);
    expect(other.outcome.held).toMatch(/^engine ID changed from FAKE:ENGINE:ONE to FAKE:ENGINE:TWO/);
    expect((await h.tick({ dryRun: true, acceptNewEngine: true })).planLines).toHaveLength(3);
    expect(h.docker.mutations()).toEqual([]);
  });

  it('some of them gone: healed at once, without asking the engine who it is', async () => {
    const h = await converged();
    const [first] = h.docker.containers.keys();
    h.docker.containers.delete(first!);
    const healed = await h.tick();
    expect(healed.planLines).toHaveLength(1);
    expect(h.docker.calls).not.toContain('engineId');
    expect(h.docker.containers.size).toBe(3);
  });

  it('an engine that will not say its ID when the list is suspect is a failed read', async () => {
    const h = await converged();
    const before = structuredClone(h.state.workloads);
    h.docker.containers.clear();
    h.docker.engineIdError = new Error('engine info: (HTTP code 500) server error');
    const result = await h.tick();
    expect(result.outcome.dockerReachable).toBe(false);
    expect(h.docker.mutations()).toEqual([]);
    expect(h.state.workloads).toEqual(before);
    expect(h.state.controller.docker).toMatchObject({ reachable: false, engineId: 'FAKE:ENGINE:ONE' });
  });
});
