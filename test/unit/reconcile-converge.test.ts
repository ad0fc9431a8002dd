import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StateStore } from '../../src/adapters/state-store.js';
import { Label } from '../../src/api/labels.js';
import { verifySignature } from '../../src/reconcile/ownership.js';
import { imageManifest, makeFixtureDir, removeFixtureDir } from '../support/fixture-dir.js';
import { TickHarness } from '../support/tick-harness.js';

const SLEEP = ['command: [sleep, "3600"]', 'network: none', 'init: true'];

describe('reconciling Image and Stack workloads', () => {
  let dir = '';
  afterEach(() => removeFixtureDir(dir));

  it('creates every replica, signed, with deterministic names, and reports Ready', async () => {
    dir = makeFixtureDir({ 'web.yaml': imageManifest('web', [...SLEEP, 'replicas: 2']) });
    const h = new TickHarness(dir);
    const result = await h.tick();
    expect(result.planLines).toEqual(['+ create image/web#1: new replica', '+ create image/web#2: new replica']);
    const containers = [...h.docker.containers.values()];
    expect(containers.map((c) => c.name).sort()).toEqual([
      expect.stringMatching(/^tf-web-image-1-[0-9a-f]{8}$/),
      expect.stringMatching(/^tf-web-image-2-[0-9a-f]{8}$/),
    ]);
    for (const c of containers) {
      expect(c.labels).toMatchObject({
        [Label.managed]: 'true',
        [Label.controller]: 'default',
        [Label.workloadId]: 'image/web',
        [Label.workloadKind]: 'image',
        [Label.workloadName]: 'web',
        [Label.role]: 'image',
      });
      expect(verifySignature(c, h.key)).toBe(true);
    }
    const web = h.state.workloads['image/web']!;
    expect(web).toMatchObject({
      phase: 'Ready',
      generation: 1,
      observedGeneration: 1,
      replicas: { desired: 2, running: 2, updated: 2 },
    });
    expect(web.conditions).toEqual([
      expect.objectContaining({ type: 'Ready', status: 'True', reason: 'AllReplicasRunning', message: '2/2 running' }),
    ]);
    expect(web.containers.map((r) => [r.id, r.state])).toEqual([
      ['image/web:image:1', 'running'],
      ['image/web:image:2', 'running'],
    ]);
  });

  it('is idempotent: a second tick makes no Docker mutation and exactly one call', async () => {
    dir = makeFixtureDir({ 'web.yaml': imageManifest('web', [...SLEEP, 'replicas: 3']) });
    const h = new TickHarness(dir);
    await h.tick();
    h.docker.calls = [];
    const second = await h.tick();
    expect(second.planLines).toEqual([]);
    expect(h.docker.calls).toEqual(['list']);
    expect(second.state.controller.lastTick?.dockerCalls).toBe(1);
  });

  it('leaves the state file alone in steady state: a quiet tick changes nothing but the heartbeat', async () => {
    dir = makeFixtureDir({ 'web.yaml': imageManifest('web', [...SLEEP, 'replicas: 2']) });
    const h = new TickHarness(dir);
    await h.tick();
    const store = new StateStore(path.join(dir, 'state.json'), h.state);
    await store.save(h.state);
    h.clock.advance(60_000);
    await h.tick();
    expect(await store.save(h.state, { heartbeatEveryMs: 120_000, now: h.clock.now() })).toBe(false);
  });

  it('records the route of a domain in the container rows (route provider none)', async () => {
    dir = makeFixtureDir({ 'web.yaml': imageManifest('web', [...SLEEP, 'domain: web.localhost']) });
    const h = new TickHarness(dir);
    await h.tick();
    expect(h.state.workloads['image/web']?.containers.map((r) => [r.id, r.domain, r.routeId])).toEqual([
      ['image/web:image:1', 'web.localhost', null],
    ]);
  });

  it('starts Stack services in dependsOn order', async () => {
    dir = makeFixtureDir({
      'app.yaml': `apiVersion: tinyforge.dev/v1
kind: Stack
metadata: {name: app}
spec:
  services:
    web: {image: tinyforge-test/busybox:1, dependsOn: [api]}
    api: {image: tinyforge-test/busybox:1, dependsOn: [db]}
    db: {image: tinyforge-test/busybox:1}
`,
    });
    const h = new TickHarness(dir);
    await h.tick();
    const starts = h.docker.calls.filter((c) => c.startsWith('start')).map((c) => c.split('-')[2]);
    expect(starts).toEqual(['db', 'api', 'web']);
  });

  it('recreates on a changed env, saying which variable changed, stopping the old one first', async () => {
    dir = makeFixtureDir({ 'web.yaml': imageManifest('web', [...SLEEP, 'env: {FOO: "1", BAR: "x"}']) });
    const h = new TickHarness(dir);
    await h.tick();
    fs.writeFileSync(path.join(dir, 'web.yaml'), imageManifest('web', [...SLEEP, 'env: {FOO: "2", BAR: "x"}']));
    h.docker.calls = [];
    const result = await h.tick();
    expect(result.planLines).toEqual(['~ recreate image/web#1: env.FOO changed']);
    expect(h.docker.mutations().map((c) => c.split(' ')[0])).toEqual(['stop', 'remove', 'create', 'start']);
    expect(h.state.workloads['image/web']).toMatchObject({ generation: 2, observedGeneration: 2, phase: 'Ready' });
  });

  it('start-first starts the new container before removing the old one', async () => {
    dir = makeFixtureDir({ 'web.yaml': imageManifest('web', [...SLEEP, 'update: {strategy: start-first}']) });
    const h = new TickHarness(dir);
    await h.tick();
    fs.writeFileSync(
      path.join(dir, 'web.yaml'),
      imageManifest('web', [...SLEEP, 'update: {strategy: start-first}']).replace('busybox:1', 'busybox:2'),
    );
    h.docker.calls = [];
    const result = await h.tick();
    expect(result.planLines).toEqual([
      '~ recreate image/web#1: image tinyforge-test/busybox:1 -> tinyforge-test/busybox:2',
    ]);
    expect(h.docker.mutations().map((c) => c.split(' ')[0])).toEqual(['create', 'start', 'stop', 'remove']);
  });

  it('recreates exactly the containers whose env file changed, naming the file, never its values', async () => {
    dir = makeFixtureDir({
      'web.yaml': imageManifest('web', [...SLEEP, 'envFiles: [web.env]']),
      'api.yaml': imageManifest('api', SLEEP),
      'web.env': 'TOKEN=first-secret\n',
    });
    const h = new TickHarness(dir);
    await h.tick();
    fs.writeFileSync(path.join(dir, 'web.env'), 'TOKEN=second-secret\n');
    const result = await h.tick();
    expect(result.planLines).toEqual(['~ recreate image/web#1: envFiles/web.env content changed']);
    const web = [...h.docker.containers.values()].find((c) => c.name.startsWith('tf-web'));
    expect(web?.request?.env).toContain('TOKEN=second-secret');
    expect(JSON.stringify(h.state)).not.toContain('secret');
  });

  it('scales down by removing the highest replica numbers first', async () => {
    dir = makeFixtureDir({ 'web.yaml': imageManifest('web', [...SLEEP, 'replicas: 4']) });
    const h = new TickHarness(dir);
    await h.tick();
    fs.writeFileSync(path.join(dir, 'web.yaml'), imageManifest('web', [...SLEEP, 'replicas: 2']));
    const result = await h.tick();
    expect(result.planLines).toEqual([
      '- remove image/web#4: scaled down to 2',
      '- remove image/web#3: scaled down to 2',
    ]);
    expect(h.state.workloads['image/web']?.containers.map((r) => r.replica)).toEqual([1, 2]);
  });
});
