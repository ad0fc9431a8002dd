import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Label } from '../../src/api/labels.js';
import { verifySignature } from '../../src/reconcile/ownership.js';
import { upForMs } from '../../src/reconcile/project-rollout.js';
import { makeFixtureDir, projectManifest, removeFixtureDir } from '../support/fixture-dir.js';
import { emptyState, TickHarness } from '../support/tick-harness.js';
import { MemoryRoutes } from '../support/memory-routes.js';

/** The Project of these tests: sleeping, healthy after running 5 s, rolled back after 30 s. */
function project(tag: string, extra: string[] = [], stageExtra: string[] = []): string {
  return projectManifest(
    tag,
    ['command: [sleep, "3600"]', ...extra, 'rollout: {healthTimeout: 30s, minReadySeconds: 5}'],
    stageExtra,
  );
}

describe('Project rollouts (blue-green)', () => {
  let dir = '';
  afterEach(() => removeFixtureDir(dir));

  const write = (text: string) => fs.writeFileSync(path.join(dir, 'shop.yaml'), text);
  const containers = (h: TickHarness) => [...h.docker.containers.values()].sort((a, b) => a.created - b.created);

  /** First deploy, then past minReadySeconds: blue serves tag 1. */
  async function deployed(): Promise<TickHarness> {
    dir = makeFixtureDir({ 'shop.yaml': project('1') });
    const h = new TickHarness(dir);
    await h.tick();
    h.clock.advance(5000);
    await h.tick();
    return h;
  }

  it('deploys the first slot, waits until it has run minReadySeconds, then routes to it', async () => {
    dir = makeFixtureDir({ 'shop.yaml': project('1') });
    const h = new TickHarness(dir);
    const first = await h.tick();
    expect(first.planLines).toEqual(['+ create project/shop:production#1 (blue): new replica']);
    expect(first.outcome.rolling).toEqual(['project/shop']);
    const [blue] = containers(h);
    expect(blue!.image).toBe('tinyforge-test/busybox:1');
    expect(blue!.name).toMatch(/^tf-shop-production-1-[0-9a-f]{8}$/);
    expect(blue!.labels).toMatchObject({
      [Label.workloadKind]: 'project',
      [Label.role]: 'production',
      [Label.slot]: 'blue',
      [Label.port]: '20000',
    });
    expect(verifySignature(blue!, h.key)).toBe(true);
    expect(blue!.request!.env).toEqual(
      expect.arrayContaining(['PORT=20000', 'TINYFORGE_STAGE=production', 'TINYFORGE_SLOT=blue']),
    );
    let shop = h.state.workloads['project/shop']!;
    expect(shop.phase).toBe('Progressing');
    expect(shop.conditions.map((c) => [c.type, c.status, c.reason])).toEqual([
      ['Ready', 'False', 'RollingOut'],
      ['Reconciling', 'True', 'RollingOut'],
    ]);

    h.clock.advance(4000);
    expect((await h.tick()).planLines).toEqual([]);
    expect(h.state.workloads['project/shop']!.phase).toBe('Progressing');

    h.clock.advance(1000);
    const routed = await h.tick();
    expect(routed.planLines).toEqual(['~ route shop.localhost -> project/shop:production (blue): blue is healthy']);
    expect(routed.outcome.rolling).toEqual([]);
    // A completed rollout is news once: an event, not on every pass after.
    expect(routed.events.filter((e) => e.reason === 'RolledOut')).toEqual([
      expect.objectContaining({
        type: 'Normal',
        workload: 'project/shop',
        message: 'production: blue serves 1: 1/1 healthy',
      }),
    ]);
    shop = h.state.workloads['project/shop']!;
    expect(shop).toMatchObject({ phase: 'Ready', replicas: { desired: 1, running: 1, updated: 1 } });
    expect(shop.containers).toEqual([
      expect.objectContaining({
        id: 'project/shop:production:1:blue',
        state: 'running',
        stage: 'production',
        slot: 'blue',
        imageTag: '1',
        domain: 'shop.localhost',
        routeId: 'tf-shop-production',
        ports: [20000],
      }),
    ]);
    expect(shop.rollouts).toEqual({
      production: expect.objectContaining({ phase: 'Complete', serving: 'blue', next: null, failedSpecHash: null }),
    });

    h.docker.calls = [];
    const quiet = await h.tick();
    expect(quiet.planLines).toEqual([]);
    expect(quiet.events.filter((e) => e.reason === 'RolledOut')).toEqual([]);
    expect(h.docker.calls).toEqual(['list']);
  });

  it('rolls a new tag out to the other slot and removes the old one only once the new one is healthy', async () => {
    const h = await deployed();
    const [blue] = containers(h);
    write(project('2'));
    const start = await h.tick();
    expect(start.planLines).toEqual([
      '+ create project/shop:production#1 (green): rollout to green: image tinyforge-test/busybox:1 -> tinyforge-test/busybox:2',
    ]);
    const green = containers(h)[1]!;
    expect(green.labels).toMatchObject({ [Label.slot]: 'green', [Label.port]: '20001' });
    expect(h.docker.containers.has(blue!.id)).toBe(true);
    let shop = h.state.workloads['project/shop']!;
    expect(shop.phase).toBe('Progressing');
    expect(shop.generation).toBe(2);
    expect(shop.rollouts!['production']).toMatchObject({ phase: 'Progressing', serving: 'blue', next: 'green' });
    // Both slots are in the status while the rollout runs; the route still points at blue.
    expect(shop.containers.map((r) => [r.id, r.slot, r.routeId])).toEqual([
      ['project/shop:production:1:blue', 'blue', 'tf-shop-production'],
      ['project/shop:production:1:green', 'green', null],
    ]);

    h.clock.advance(5000);
    const done = await h.tick();
    expect(done.planLines).toEqual([
      '~ route shop.localhost -> project/shop:production (green): green is healthy: switching from blue',
      '- remove project/shop:production#1 (blue): rolled out to green',
    ]);
    expect([...h.docker.containers.keys()]).toEqual([green.id]);
    shop = h.state.workloads['project/shop']!;
    expect(shop).toMatchObject({ phase: 'Ready', observedGeneration: 2 });
    expect(shop.containers).toEqual([
      expect.objectContaining({
        id: 'project/shop:production:1:green',
        imageTag: '2',
        routeId: 'tf-shop-production',
        ports: [20001],
      }),
    ]);
    expect(shop.rollouts!['production']).toMatchObject({ phase: 'Complete', serving: 'green' });
  });

  it('rolls back when the new slot is not healthy within healthTimeout, and does not try that spec again', async () => {
    const h = await deployed();
    const [blue] = containers(h);
    h.docker.crashing.add('tinyforge-test/busybox:2');
    write(project('2'));
    await h.tick();
    h.clock.advance(20_000);
    await h.tick();
    expect(h.state.workloads['project/shop']!.phase).toBe('Progressing');

    h.clock.advance(10_000);
    const failed = await h.tick();
    expect(failed.planLines).toEqual([
      '- remove project/shop:production#1 (green): rollout failed: not healthy in time',
    ]);
    expect([...h.docker.containers.keys()]).toEqual([blue!.id]);
    const shop = h.state.workloads['project/shop']!;
    expect(shop.phase).toBe('Degraded');
    expect(shop.conditions[0]).toMatchObject({ type: 'Ready', status: 'False', reason: 'RolloutFailed' });
    expect(shop.conditions[0]!.message).toContain('rolled back to blue');
    expect(shop.rollouts!['production']).toMatchObject({
      phase: 'Failed',
      serving: 'blue',
      failedSpecHash: expect.any(String),
    });
    expect(shop.replicas).toEqual({ desired: 1, running: 1, updated: 0 });
    expect(shop.containers).toEqual([
      expect.objectContaining({
        id: 'project/shop:production:1:blue',
        state: 'running',
        routeId: 'tf-shop-production',
      }),
    ]);
    expect(failed.outcome.failed).toEqual(['project/shop']);

    h.docker.calls = [];
    h.clock.advance(60_000);
    expect((await h.tick()).planLines).toEqual([]);
    expect(h.docker.mutations()).toEqual([]);

    // A changed spec is tried again.
    h.docker.crashing.clear();
    write(project('2', ['env: {FIXED: "yes"}']));
    expect((await h.tick()).planLines).toEqual([
      '+ create project/shop:production#1 (green): rollout to green: image tinyforge-test/busybox:1 -> tinyforge-test/busybox:2, env.FIXED added',
    ]);
  });

  it('with a healthcheck, switches only once Docker reports the new slot healthy', async () => {
    dir = makeFixtureDir({ 'shop.yaml': project('1', ['healthcheck: {command: [sh, -c, "true"], interval: 1s}']) });
    const h = new TickHarness(dir);
    await h.tick();
    const [blue] = containers(h);
    // Running well past minReadySeconds, but not healthy yet.
    h.clock.advance(20_000);
    await h.tick();
    expect(h.state.workloads['project/shop']!.phase).toBe('Progressing');
    h.docker.containers.get(blue!.id)!.health = 'healthy';
    await h.tick();
    expect(h.state.workloads['project/shop']!.phase).toBe('Ready');
  });

  it('with strategy recreate, stops the old slot before starting the new one', async () => {
    dir = makeFixtureDir({ 'shop.yaml': project('1', ['strategy: recreate']) });
    const h = new TickHarness(dir);
    await h.tick();
    h.clock.advance(5000);
    await h.tick();
    write(project('2', ['strategy: recreate']));
    h.docker.calls = [];
    const result = await h.tick();
    expect(result.planLines).toEqual([
      '- remove project/shop:production#1 (blue): replaced (strategy recreate)',
      expect.stringMatching(/^\+ create project\/shop:production#1 \(green\): rollout to green/),
    ]);
    expect(h.docker.mutations().map((c) => c.split(' ')[0])).toEqual(['stop', 'remove', 'create', 'start']);
  });

  it('scales a stage within its slot, without a rollout', async () => {
    const h = await deployed();
    write(project('1', [], ['replicas: 2']));
    const result = await h.tick();
    expect(result.planLines).toEqual(['+ create project/shop:production#2 (blue): new replica']);
    expect(containers(h)[1]!.labels[Label.port]).toBe('20001');
  });

  it('keeps serving after the state file is lost: rows come back from the containers, nothing is recreated', async () => {
    const h = await deployed();
    h.state = emptyState(h.clock.now());
    h.docker.calls = [];
    await h.tick();
    h.clock.advance(5000);
    await h.tick();
    expect(h.docker.mutations()).toEqual([]);
    const shop = h.state.workloads['project/shop']!;
    expect(shop.phase).toBe('Ready');
    expect(shop.containers).toEqual([
      expect.objectContaining({
        id: 'project/shop:production:1:blue',
        slot: 'blue',
        stage: 'production',
        imageTag: '1',
        domain: 'shop.localhost',
        ports: [20000],
        routeId: 'tf-shop-production',
      }),
    ]);
  });

  it('sets a route again when the proxy lost it, and removes it with the manifest', async () => {
    dir = makeFixtureDir({ 'shop.yaml': project('1') });
    const h = new TickHarness(dir);
    const proxy = new MemoryRoutes();
    h.routes = proxy;
    await h.tick();
    h.clock.advance(5000);
    await h.tick();
    expect([...proxy.held.values()]).toEqual([
      { id: 'tf-shop-production', domain: 'shop.localhost', upstreams: ['127.0.0.1:20000'] },
    ]);
    expect((await h.tick()).planLines).toEqual([]);

    proxy.held.clear(); // the proxy restarted with an empty configuration
    expect((await h.tick()).planLines).toEqual([
      '~ route shop.localhost -> project/shop:production (blue): the proxy does not hold it',
    ]);
    expect(proxy.held.get('tf-shop-production')?.upstreams).toEqual(['127.0.0.1:20000']);
    expect(h.docker.mutations().filter((c) => !c.startsWith('create') && !c.startsWith('start'))).toEqual([]);

    fs.rmSync(path.join(dir, 'shop.yaml'));
    fs.writeFileSync(
      path.join(dir, 'other.yaml'),
      'apiVersion: tinyforge.dev/v1\nkind: Image\nmetadata: {name: other}\nspec: {image: tinyforge-test/busybox:1, command: [sleep, "3600"]}\n',
    );
    const pruned = await h.tick();
    const lines = pruned.planLines.filter((l) => l.includes('project/shop'));
    expect(lines).toEqual([
      '- route tf-shop-production of project/shop: manifest deleted',
      '- remove project/shop:production#1 (blue): manifest deleted',
    ]);
    expect(proxy.held.size).toBe(0);
  });

  it('when suspended, changes nothing and still counts the serving slot', async () => {
    const h = await deployed();
    write(
      project('2').replace(
        'metadata: {name: shop}',
        'metadata: {name: shop, annotations: {tinyforge.dev/suspend: "true"}}',
      ),
    );
    h.docker.calls = [];
    expect((await h.tick()).planLines).toEqual([]);
    expect(h.docker.mutations()).toEqual([]);
    expect(h.state.workloads['project/shop']).toMatchObject({
      phase: 'Suspended',
      replicas: { desired: 1, running: 1, updated: 0 },
    });
  });

  it('a stage whose containers all vanished is recreated within the restart budget, then crash-loops', async () => {
    const h = await deployed();
    // All of them gone: acted on once a second list, the grace later, agrees (engine-check.ts).
    h.docker.containers.clear();
    expect((await h.tick()).planLines).toEqual([]);
    h.clock.advance(2000);
    const healed = await h.tick();
    expect(healed.planLines).toEqual(['+ create project/shop:production#1 (blue): container vanished']);

    h.docker.containers.clear();
    h.mayHeal = () => false;
    await h.tick();
    h.clock.advance(2000);
    const held = await h.tick();
    expect(held.planLines).toEqual([]);
    expect(h.docker.containers.size).toBe(0);
    expect(h.state.workloads['project/shop']!.conditions).toContainEqual(
      expect.objectContaining({ type: 'Ready', status: 'False', reason: 'CrashLoop' }),
    );
  });

  it('reads how long Docker says a container has been up', () => {
    expect(upForMs('Up Less than a second')).toBe(0);
    expect(upForMs('Up 7 seconds (healthy)')).toBe(7000);
    expect(upForMs('Up About a minute')).toBe(60_000);
    expect(upForMs('Up 3 hours')).toBe(3 * 3_600_000);
    expect(upForMs('Exited (0) 2 seconds ago')).toBe(0);
  });
});
