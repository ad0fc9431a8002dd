import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Label } from '../../src/api/labels.js';
import { ownershipLabels } from '../../src/reconcile/ownership.js';
import { imageManifest, makeFixtureDir, removeFixtureDir } from '../support/fixture-dir.js';
import { TickHarness } from '../support/tick-harness.js';

const SLEEP = ['command: [sleep, "3600"]', 'network: none', 'init: true'];

describe('what the reconciler never does', () => {
  let dir = '';
  afterEach(() => removeFixtureDir(dir));

  it('a failed list marks nothing missing, prunes nothing, recreates nothing (guarantee 1)', async () => {
    dir = makeFixtureDir({ 'web.yaml': imageManifest('web', [...SLEEP, 'replicas: 2']) });
    const h = new TickHarness(dir);
    await h.tick();
    const before = structuredClone(h.state.workloads);
    fs.rmSync(path.join(dir, 'web.yaml'));
    h.docker.unreachable();
    h.docker.calls = [];
    const result = await h.tick();
    expect(result.outcome.dockerReachable).toBe(false);
    expect(h.docker.calls).toEqual(['list']);
    expect(h.state.workloads).toEqual(before);
    expect(h.state.controller.docker).toMatchObject({
      reachable: false,
      lastError: 'cannot reach Docker: ECONNREFUSED',
    });
  });

  it('a list that fails with any error, not only unreachable, is a failed list (guarantee 1)', async () => {
    dir = makeFixtureDir({ 'web.yaml': imageManifest('web', [...SLEEP, 'replicas: 2']) });
    const h = new TickHarness(dir);
    await h.tick();
    const before = structuredClone(h.state.workloads);
    fs.rmSync(path.join(dir, 'web.yaml'));
    h.docker.listError = new Error('list containers: (HTTP code 500) server error - boom');
    h.docker.calls = [];
    const result = await h.tick();
    expect(result.outcome.dockerReachable).toBe(false);
    expect(h.docker.calls).toEqual(['list']);
    expect(h.state.workloads).toEqual(before);
    expect(h.state.controller.docker).toEqual({
      reachable: false,
      lastError: 'list containers: (HTTP code 500) server error - boom',
      engineId: 'FAKE:ENGINE:ONE',
    });
  });

  it('an invalid manifest changes no container: the last good spec stays, the error has file:line:col (guarantee 2)', async () => {
    dir = makeFixtureDir({ 'web.yaml': imageManifest('web', SLEEP) });
    const h = new TickHarness(dir);
    await h.tick();
    const ids = [...h.docker.containers.keys()];
    fs.writeFileSync(path.join(dir, 'web.yaml'), imageManifest('web', [...SLEEP, 'replicas: two']));
    h.docker.calls = [];
    const result = await h.tick();
    expect(h.docker.mutations()).toEqual([]);
    expect([...h.docker.containers.keys()]).toEqual(ids);
    expect(result.state.invalid).toEqual([
      {
        file: 'web.yaml',
        line: 10,
        column: 13,
        path: '/spec/replicas',
        message: 'spec.replicas must be an integer (got "two")',
      },
    ]);
    expect(h.state.workloads['image/web']).toMatchObject({
      phase: 'Invalid',
      replicas: { desired: 1, running: 1, updated: 1 },
    });
    expect(h.state.workloads['image/web']?.conditions.find((c) => c.type === 'Stalled')).toMatchObject({
      status: 'True',
      reason: 'ManifestInvalid',
    });
  });

  it('a half-written file (YAML syntax error) prunes nothing it may have declared', async () => {
    dir = makeFixtureDir({ 'web.yaml': imageManifest('web', SLEEP) });
    const h = new TickHarness(dir);
    await h.tick();
    fs.writeFileSync(path.join(dir, 'web.yaml'), 'apiVersion: tinyforge.dev/v1\nkind: [Ima');
    h.docker.calls = [];
    await h.tick();
    expect(h.docker.mutations()).toEqual([]);
    expect(h.state.workloads['image/web']?.phase).toBe('Invalid');
  });

  it('an empty or unreadable manifest directory prunes nothing; --allow-empty prunes (guarantee 3)', async () => {
    dir = makeFixtureDir({ 'web.yaml': imageManifest('web', SLEEP) });
    const h = new TickHarness(dir);
    await h.tick();
    fs.rmSync(path.join(dir, 'web.yaml'));
    h.docker.calls = [];
    const empty = await h.tick();
    expect(h.docker.mutations()).toEqual([]);
    expect(empty.outcome.pruneRefused).toEqual(['image/web']);
    expect(h.state.events.at(-1)).toMatchObject({ type: 'Warning', reason: 'PruneRefused' });

    fs.rmSync(dir, { recursive: true });
    const gone = await h.tick();
    expect(h.docker.mutations()).toEqual([]);
    expect(gone.outcome.pruneRefused).toEqual(['image/web']);

    fs.mkdirSync(dir);
    const allowed = await h.tick({ allowEmpty: true });
    expect(allowed.planLines).toEqual(['- remove image/web#1: manifest deleted']);
    expect(h.docker.containers.size).toBe(0);
  });

  it('the rows of orphans whose prune was refused are still observed: a stopped or vanished container shows', async () => {
    dir = makeFixtureDir({ 'web.yaml': imageManifest('web', [...SLEEP, 'replicas: 2']) });
    const h = new TickHarness(dir);
    await h.tick();
    fs.rmSync(path.join(dir, 'web.yaml'));
    const [first, second] = [...h.docker.containers.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
    first!.state = 'exited';
    h.docker.containers.delete(second!.id);
    h.docker.calls = [];
    const refused = await h.tick();
    expect(refused.outcome.pruneRefused).toEqual(['image/web']);
    expect(h.docker.mutations()).toEqual([]);
    const rows = h.state.workloads['image/web']!.containers;
    expect(rows.map((r) => [r.id, r.state])).toEqual([
      ['image/web:image:1', 'stopped'],
      ['image/web:image:2', 'missing'],
    ]);
    const web = h.state.workloads['image/web']!;
    expect(web).toMatchObject({ phase: 'Degraded', replicas: { running: 0 } });
    expect(web.conditions).toContainEqual(expect.objectContaining({ type: 'Stalled', reason: 'PruneRefused' }));
    expect(web.conditions).toContainEqual(
      expect.objectContaining({ type: 'Ready', status: 'False', reason: 'ReplicasNotRunning' }),
    );
  });

  it('prunes the containers of a deleted manifest when others remain', async () => {
    dir = makeFixtureDir({ 'web.yaml': imageManifest('web', SLEEP), 'api.yaml': imageManifest('api', SLEEP) });
    const h = new TickHarness(dir);
    await h.tick();
    fs.rmSync(path.join(dir, 'web.yaml'));
    const result = await h.tick();
    expect(result.planLines).toEqual(['- remove image/web#1: manifest deleted']);
    expect(Object.keys(h.state.workloads)).toEqual(['image/api']);
  });

  it('foreign containers are never adopted, changed or removed, and are listed with the reason (guarantee 4)', async () => {
    dir = makeFixtureDir({ 'web.yaml': imageManifest('web', SLEEP) });
    const h = new TickHarness(dir);
    const identity = {
      controller: 'default',
      workloadId: 'image/web',
      kind: 'image',
      name: 'web',
      role: 'image',
      replica: 1,
      specHash: 'deadbeefdeadbeef',
      slot: null,
    };
    const forged = {
      ...ownershipLabels({ ...identity, workloadId: 'image/ghost', name: 'ghost' }, 'ghost', h.key),
      [Label.signature]: '0'.repeat(64),
    };
    const badSignature = {
      ...ownershipLabels(identity, 'impostor', h.key),
      [Label.replica]: '1',
      [Label.signature]: 'f'.repeat(64),
    };
    const otherController = ownershipLabels({ ...identity, controller: 'blue' }, 'blue-web', h.key);
    h.docker.addContainer({ name: 'ghost', labels: forged });
    h.docker.addContainer({ name: 'impostor', labels: badSignature }, 'exited');
    h.docker.addContainer({ name: 'blue-web', labels: otherController });
    const result = await h.tick();
    expect(result.planLines).toEqual(['+ create image/web#1: new replica']);
    expect(h.docker.mutations().filter((c) => /ghost|impostor|blue-web/.test(c))).toEqual([]);
    expect(h.state.foreign.map((f) => [f.name, f.workloadId, f.reason])).toEqual([
      ['blue-web', 'image/web', 'another controller (blue)'],
      ['ghost', 'image/ghost', 'unknown workload'],
      ['impostor', 'image/web', 'bad signature'],
    ]);
    expect(h.state.workloads['image/web']?.replicas).toEqual({ desired: 1, running: 1, updated: 1 });
    // And they stay foreign when their workload's manifest goes away: never pruned.
    fs.writeFileSync(path.join(dir, 'api.yaml'), imageManifest('api', SLEEP));
    fs.rmSync(path.join(dir, 'web.yaml'));
    await h.tick();
    expect([...h.docker.containers.values()].map((c) => c.name).sort()).toEqual([
      'blue-web',
      'ghost',
      'impostor',
      expect.stringMatching(/^tf-api-/),
    ]);
  });

  it('one failing workload never stops the others', async () => {
    dir = makeFixtureDir({
      'bad.yaml': imageManifest('bad', [...SLEEP, 'pullPolicy: Never']).replace('busybox:1', 'busybox:404'),
      'good.yaml': imageManifest('good', SLEEP),
    });
    const h = new TickHarness(dir);
    const result = await h.tick();
    expect(result.outcome.failed).toEqual(['image/bad']);
    expect(h.state.workloads['image/good']?.phase).toBe('Ready');
    expect(h.state.workloads['image/bad']).toMatchObject({
      phase: 'Failed',
      lastError: 'image tinyforge-test/busybox:404 is not on the host and pullPolicy is Never',
    });
  });

  it('a name held by a container it does not own is a workload error naming that container', async () => {
    dir = makeFixtureDir({ 'web.yaml': imageManifest('web', SLEEP) });
    const probe = new TickHarness(dir);
    await probe.tick();
    const name = probe.state.workloads['image/web']!.containers[0]!.name;
    const h = new TickHarness(dir);
    const squatter = h.docker.addContainer({ name, labels: {} });
    const result = await h.tick();
    expect(result.outcome.failed).toEqual(['image/web']);
    expect(h.state.workloads['image/web']?.lastError).toBe(
      `container name ${name} is taken by a container tinyforge does not own (${squatter.slice(0, 12)})`,
    );
  });
});

describe('suspend', () => {
  let dir = '';
  afterEach(() => removeFixtureDir(dir));

  it('freezes a workload: no change is applied, nothing is healed or pruned, phase Suspended', async () => {
    dir = makeFixtureDir({ 'web.yaml': imageManifest('web', [...SLEEP, 'replicas: 2']) });
    const h = new TickHarness(dir);
    await h.tick();
    const suspended = imageManifest('web', [...SLEEP, 'replicas: 3']).replace(
      '  name: web\n',
      '  name: web\n  annotations: {tinyforge.dev/suspend: "true"}\n',
    );
    fs.writeFileSync(path.join(dir, 'web.yaml'), suspended);
    [...h.docker.containers.values()][0]!.state = 'exited';
    h.docker.calls = [];
    const result = await h.tick();
    expect(result.planLines).toEqual([]);
    expect(h.docker.mutations()).toEqual([]);
    expect(h.state.workloads['image/web']).toMatchObject({
      phase: 'Suspended',
      replicas: { desired: 3, running: 1, updated: 1 },
      conditions: [expect.objectContaining({ type: 'Ready', status: 'Unknown', reason: 'Suspended' })],
    });
    fs.writeFileSync(path.join(dir, 'web.yaml'), imageManifest('web', [...SLEEP, 'replicas: 3']));
    const resumed = await h.tick();
    expect(resumed.planLines).toEqual([
      '~ start image/web#1: container stopped (exited)',
      '+ create image/web#3: new replica',
    ]);
  });
});

describe('preflight before disruption', () => {
  let dir = '';
  afterEach(() => removeFixtureDir(dir));

  it('leaves the old container running when the new image is missing', async () => {
    dir = makeFixtureDir({ 'web.yaml': imageManifest('web', [...SLEEP, 'pullPolicy: Never']) });
    const h = new TickHarness(dir);
    await h.tick();
    fs.writeFileSync(
      path.join(dir, 'web.yaml'),
      imageManifest('web', [...SLEEP, 'pullPolicy: Never']).replace('busybox:1', 'busybox:9'),
    );
    h.docker.calls = [];
    const result = await h.tick();
    expect(result.planLines).toEqual([
      '~ recreate image/web#1: image tinyforge-test/busybox:1 -> tinyforge-test/busybox:9',
    ]);
    expect(h.docker.mutations()).toEqual([]);
    expect([...h.docker.containers.values()].map((c) => c.state)).toEqual(['running']);
    expect(h.state.workloads['image/web']).toMatchObject({
      phase: 'Degraded',
      lastError: 'image tinyforge-test/busybox:9 is not on the host and pullPolicy is Never',
      replicas: { desired: 1, running: 1, updated: 0 },
    });
  });

  it('leaves the old container running when a host port it would need is taken by another container', async () => {
    dir = makeFixtureDir({ 'web.yaml': imageManifest('web', ['ports: [{container: 80, host: 8080}]']) });
    const h = new TickHarness(dir);
    await h.tick();
    h.docker.addContainer({ name: 'squatter', labels: {}, ports: [9090] });
    fs.writeFileSync(path.join(dir, 'web.yaml'), imageManifest('web', ['ports: [{container: 80, host: 9090}]']));
    h.docker.calls = [];
    await h.tick();
    expect(h.docker.mutations()).toEqual([]);
    expect(h.state.workloads['image/web']?.lastError).toBe(
      'host port 9090 is in use by container squatter; image/web#1 left as it is',
    );
  });
});

describe('self-heal', () => {
  let dir = '';
  afterEach(() => removeFixtureDir(dir));

  it('starts a stopped container and recreates a removed one', async () => {
    dir = makeFixtureDir({ 'web.yaml': imageManifest('web', [...SLEEP, 'replicas: 2']) });
    const h = new TickHarness(dir);
    await h.tick();
    const [first, second] = [...h.docker.containers.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
    first!.state = 'exited';
    h.docker.containers.delete(second!.id);
    const result = await h.tick();
    expect(result.planLines).toEqual([
      '~ start image/web#1: container stopped (exited)',
      '+ create image/web#2: container vanished',
    ]);
    expect(h.state.workloads['image/web']?.phase).toBe('Ready');
  });

  it('stops fighting past the restart budget and reports CrashLoop', async () => {
    dir = makeFixtureDir({ 'web.yaml': imageManifest('web', SLEEP) });
    const h = new TickHarness(dir);
    await h.tick();
    h.mayHeal = () => false;
    [...h.docker.containers.values()][0]!.state = 'exited';
    const result = await h.tick();
    expect(result.planLines).toEqual([]);
    expect(h.state.workloads['image/web']).toMatchObject({
      phase: 'Degraded',
      conditions: [expect.objectContaining({ type: 'Ready', status: 'False', reason: 'CrashLoop' })],
    });
  });
});
