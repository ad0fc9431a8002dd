import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ServiceRequest } from '../../src/reconcile/swarm-port.js';
import { FakeSwarm } from '../support/fake-swarm.js';
import { imageManifest, makeFixtureDir, removeFixtureDir } from '../support/fixture-dir.js';
import { SwarmHarness } from '../support/swarm-harness.js';

const web = (tag: string, extra: string[] = []) =>
  imageManifest('web', ['network: host', 'command: [sleep, "3600"]', `env: {T: "${tag}"}`, ...extra]);

/** Two services of one Stack, `a` and `b`, with env `T` at `tag`. */
const stack = (tag: string) =>
  [
    'apiVersion: tinyforge.dev/v1',
    'kind: Stack',
    'metadata: {name: app}',
    'spec:',
    '  services:',
    ...['a', 'b'].flatMap((name) => [
      `    ${name}:`,
      '      image: tinyforge-test/busybox:1',
      '      command: [sleep, "3600"]',
      '      network: host',
      `      env: {T: "${tag}"}`,
    ]),
    '',
  ].join('\n');

/** A first pass at tag 1, then tag 2 rolled back by Swarm: the role is held at the spec it runs. */
async function rolledBack(dir: string, h: SwarmHarness): Promise<string> {
  await h.tick();
  const good = h.state.workloads['image/web']!.rollouts!.image!.specHash;
  fs.writeFileSync(path.join(dir, 'web.yaml'), web('2'));
  h.swarm.failNextUpdate('tf-web-image');
  await h.tick();
  expect(h.state.workloads['image/web']!.rollouts!.image).toMatchObject({ phase: 'Failed' });
  h.swarm.calls = [];
  return good;
}

describe('a role held at the spec it runs after a rollback is still kept as it should be', () => {
  let dir = '';
  afterEach(() => removeFixtureDir(dir));

  it('a service scaled by hand, or a new replica count in the manifest, is set right at the spec it runs', async () => {
    dir = makeFixtureDir({ 'web.yaml': web('1') });
    const h = new SwarmHarness(dir);
    const good = await rolledBack(dir, h);

    h.swarm.editByHand('tf-web-image', { replicas: 3 });
    const scaled = await h.tick();
    expect(scaled.planLines).toEqual(['~ update service tf-web-image: replicas 3 -> 1 (changed outside tinyforge)']);
    expect(h.swarm.requests.get('tf-web-image')).toMatchObject({
      replicas: 1,
      labels: { 'tinyforge.spec-hash': good },
    });

    fs.writeFileSync(path.join(dir, 'web.yaml'), web('2', ['replicas: 2']));
    h.swarm.calls = [];
    await h.tick();
    expect(h.swarm.mutations()).toEqual(['update tf-web-image']);
    expect(h.swarm.requests.get('tf-web-image')).toMatchObject({
      replicas: 2,
      labels: { 'tinyforge.spec-hash': good },
    });
    // Still the spec that was rolled back: the workload says so, and it is not sent.
    expect(h.state.workloads['image/web']).toMatchObject({
      phase: 'Degraded',
      rollouts: { image: { phase: 'Failed' } },
    });
  });

  it('a service removed by hand is created again from the manifest', async () => {
    dir = makeFixtureDir({ 'web.yaml': web('1') });
    const h = new SwarmHarness(dir);
    await rolledBack(dir, h);
    h.swarm.services_.clear();
    await h.tick();
    expect(h.swarm.mutations()).toEqual(['create tf-web-image']);
    expect(h.swarm.requests.get('tf-web-image')?.env).toContain('T=2');
    expect(h.state.workloads['image/web']).toMatchObject({
      phase: 'Ready',
      rollouts: { image: { phase: 'Complete' } },
    });
  });

  it('a rollback of one role is recorded, and not sent again, while another role of the workload fails', async () => {
    dir = makeFixtureDir({ 'app.yaml': stack('1') });
    const h = new SwarmHarness(dir);
    await h.tick();
    fs.writeFileSync(path.join(dir, 'app.yaml'), stack('2'));
    h.swarm.failNextUpdate('tf-app-a');
    h.swarm.refuse.add('tf-app-b');
    await h.tick();
    expect(h.state.workloads['stack/app']!.rollouts!.a).toMatchObject({ phase: 'Failed' });
    h.swarm.calls = [];
    await h.tick();
    expect(h.swarm.mutations()).toEqual(['update tf-app-b']);
  });

  it('an update whose settling read failed is Progressing, not taken for the rollback before it', async () => {
    dir = makeFixtureDir({ 'web.yaml': web('1') });
    const swarm = new (class extends FakeSwarm {
      dropReads = false;
      override async updateService(id: string, version: number, request: ServiceRequest): Promise<void> {
        await super.updateService(id, version, request);
        if (this.dropReads) this.unreachable = true;
      }
    })();
    const h = new SwarmHarness(dir, swarm);
    await rolledBack(dir, h);
    fs.writeFileSync(path.join(dir, 'web.yaml'), web('3'));
    swarm.dropReads = true;
    await h.tick();
    expect(h.state.workloads['image/web']!.rollouts!.image).toMatchObject({ phase: 'Progressing' });
    swarm.unreachable = false;
    swarm.dropReads = false;
    await h.tick();
    expect(h.state.workloads['image/web']).toMatchObject({
      phase: 'Ready',
      rollouts: { image: { phase: 'Complete' } },
    });
  });

  it('a suspended workload with an update under way does not keep run --once waiting', async () => {
    dir = makeFixtureDir({ 'web.yaml': web('1') });
    const h = new SwarmHarness(dir);
    await h.tick();
    const record = h.state.workloads['image/web']!.rollouts!.image!;
    h.state.workloads['image/web']!.rollouts = { image: { ...record, phase: 'Progressing' } };
    const suspended = web('1').replace('metadata:', 'metadata:\n  annotations: {tinyforge.dev/suspend: "true"}');
    fs.writeFileSync(path.join(dir, 'web.yaml'), suspended);
    const result = await h.tick();
    expect(h.state.workloads['image/web']!.phase).toBe('Suspended');
    expect(result.outcome.rolling).toEqual([]);
  });

  it('never creates a service under the name of one that is not its own', async () => {
    dir = makeFixtureDir({ 'web.yaml': web('1') });
    const h = new SwarmHarness(dir);
    h.swarm.addForeign('tf-web-image', { 'tinyforge.managed': 'true', 'tinyforge.workload.id': 'image/web' });
    const result = await h.tick();
    expect(h.swarm.mutations()).toEqual([]);
    expect(result.outcome.failed).toEqual(['image/web']);
    expect(h.state.workloads['image/web']!.lastError).toBe(
      "a service named tf-web-image exists and is not this controller's: remove or rename it",
    );
  });
});
