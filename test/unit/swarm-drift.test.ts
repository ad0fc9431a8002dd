import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { imageManifest, makeFixtureDir, removeFixtureDir } from '../support/fixture-dir.js';
import { SwarmHarness } from '../support/swarm-harness.js';

const HOST = ['command: [sleep, "3600"]', 'network: host'];

describe('the swarm backend sets a service changed by hand back, and plans one line per service', () => {
  let dir = '';
  afterEach(() => removeFixtureDir(dir));

  it('prints one line per service for a create, an update with its cause, and a prune', async () => {
    dir = makeFixtureDir({ 'web.yaml': imageManifest('web', [...HOST, 'replicas: 4']) });
    const h = new SwarmHarness(dir);
    expect((await h.tick({ dryRun: true })).planLines).toEqual(['+ create service tf-web-image: 4 replicas']);
    const created = await h.tick();
    expect(created.planLines).toEqual(['+ create service tf-web-image: 4 replicas']);
    expect(created.events.map((e) => [e.reason, e.message])).toContainEqual([
      'Created',
      '+ create service tf-web-image: 4 replicas',
    ]);

    fs.writeFileSync(path.join(dir, 'web.yaml'), imageManifest('web', [...HOST, 'replicas: 2', 'env: {A: "1"}']));
    expect((await h.tick()).planLines).toEqual(['~ update service tf-web-image: env.A added; replicas 4 -> 2']);
    expect((await h.tick()).planLines).toEqual([]);

    fs.rmSync(path.join(dir, 'web.yaml'));
    fs.writeFileSync(path.join(dir, 'other.yaml'), imageManifest('other', HOST));
    const pruned = await h.tick();
    expect(pruned.planLines).toEqual([
      '+ create service tf-other-image: 1 replica',
      '- remove service tf-web-image: manifest deleted',
    ]);
    expect(h.swarm.mutations()).toContain('remove tf-web-image');
  });

  it('a service scaled by hand is scaled back, the cause naming the replicas it had (changed outside tinyforge)', async () => {
    dir = makeFixtureDir({ 'web.yaml': imageManifest('web', [...HOST, 'replicas: 2']) });
    const h = new SwarmHarness(dir);
    await h.tick();
    const id = h.service('tf-web-image')!.id;
    h.swarm.editByHand('tf-web-image', { replicas: 5 });
    const plan = await h.tick({ dryRun: true });
    expect(plan.planLines).toEqual(['~ update service tf-web-image: replicas 5 -> 2 (changed outside tinyforge)']);
    expect(plan.outcome.mutations).toBe(0);
    h.swarm.calls = [];
    expect((await h.tick()).outcome.actions).toBe(1);
    expect(h.swarm.mutations()).toEqual(['update tf-web-image']);
    expect(h.service('tf-web-image')).toMatchObject({ id, replicas: 2 });
    h.swarm.calls = [];
    expect((await h.tick()).planLines).toEqual([]);
    expect(h.swarm.mutations()).toEqual([]);
  });

  it('a service edited by hand (env, image) is set back, naming the fields and never an env value', async () => {
    dir = makeFixtureDir({ 'web.yaml': imageManifest('web', [...HOST, 'env: {A: "secret-value"}']) });
    const h = new SwarmHarness(dir);
    await h.tick();
    h.swarm.editByHand('tf-web-image', { env: ['A=secret-value', 'X=1'], image: 'tinyforge-test/busybox:2' });
    const result = await h.tick();
    expect(result.planLines).toEqual([
      '~ update service tf-web-image: image tinyforge-test/busybox:2 -> tinyforge-test/busybox:1, env changed (changed outside tinyforge)',
    ]);
    expect(JSON.stringify([result.planLines, result.events])).not.toContain('secret-value');
    expect(h.service('tf-web-image')!.image).toBe('tinyforge-test/busybox:1');
    expect(h.service('tf-web-image')!.drift).toEqual([]);
    expect((await h.tick()).planLines).toEqual([]);
    expect(h.state.workloads['image/web']).toMatchObject({ phase: 'Ready', replicas: { desired: 1, updated: 1 } });
  });

  it('a service removed by hand is created again, saying so', async () => {
    dir = makeFixtureDir({ 'web.yaml': imageManifest('web', [...HOST, 'replicas: 2']) });
    const h = new SwarmHarness(dir);
    await h.tick();
    h.swarm.services_.clear();
    expect((await h.tick()).planLines).toEqual([
      '+ create service tf-web-image: 2 replicas (removed outside tinyforge)',
    ]);
    expect(h.service('tf-web-image')?.replicas).toBe(2);
  });
});
