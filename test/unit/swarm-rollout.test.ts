import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ObservedService, ObservedTask, UpdateState } from '../../src/api/observed-service.js';
import { UPDATE_START_GRACE_MS, serviceRollout } from '../../src/reconcile/swarm-rollouts.js';
import { FAILED_TASK_ERROR } from '../support/fake-swarm.js';
import { imageManifest, makeFixtureDir, projectManifest, removeFixtureDir } from '../support/fixture-dir.js';
import { SwarmHarness } from '../support/swarm-harness.js';

const HEALTHY = ['healthcheck: {command: [CMD, "true"], interval: 1s, retries: 1}'];

/** The Project `shop` with a second stage, `staging`, of 2 replicas at `stagingTag`. */
function twoStages(tag: string, stagingTag: string, spec: string[] = []): string {
  return `${projectManifest(tag, spec)}    - name: staging\n      tag: "${stagingTag}"\n      replicas: 2\n`;
}

describe('rollouts on the swarm backend: Swarm rolls out, tinyforge records what it did', () => {
  let dir = '';
  afterEach(() => removeFixtureDir(dir));

  it('makes each Project stage one service with its replicas, rolled out start-first and watched for minReadySeconds', async () => {
    dir = makeFixtureDir({ 'shop.yaml': twoStages('1', '2', ['rollout: {minReadySeconds: 3}']) });
    const h = new SwarmHarness(dir);
    const first = await h.tick();
    expect(h.swarm.mutations().sort()).toEqual(['create tf-shop-production', 'create tf-shop-staging']);
    expect(first.outcome.failed).toEqual([]);
    expect(h.swarm.requests.get('tf-shop-staging')).toMatchObject({
      replicas: 2,
      spec: { image: 'tinyforge-test/busybox:2' },
      update: { order: 'start-first', monitorMs: 3000 },
    });
    const shop = h.state.workloads['project/shop']!;
    expect(shop).toMatchObject({ phase: 'Ready', replicas: { desired: 3, running: 3 } });
    expect(shop.containers.map((r) => r.id)).toEqual([
      'project/shop:production:1',
      'project/shop:staging:1',
      'project/shop:staging:2',
    ]);
    expect(shop.rollouts?.staging).toMatchObject({ phase: 'Complete', serving: null, failedSpecHash: null });

    // A healthchecked stage is gated by its health: Swarm watches it only briefly after that.
    fs.writeFileSync(path.join(dir, 'shop.yaml'), twoStages('1', '2', ['strategy: recreate', ...HEALTHY]));
    await h.tick();
    expect(h.swarm.requests.get('tf-shop-staging')?.update).toEqual({ order: 'stop-first', monitorMs: 1000 });
  });

  it('a rollout Swarm rolls back makes the workload Degraded (RolloutFailed) and is not sent again', async () => {
    dir = makeFixtureDir({ 'shop.yaml': projectManifest('1', HEALTHY) });
    const h = new SwarmHarness(dir);
    await h.tick();
    expect(h.state.workloads['project/shop']!.phase).toBe('Ready');
    const good = h.state.workloads['project/shop']!.rollouts!.production!.specHash;

    fs.writeFileSync(path.join(dir, 'shop.yaml'), projectManifest('2', HEALTHY));
    h.swarm.failNextUpdate('tf-shop-production');
    h.swarm.calls = [];
    const failed = await h.tick();
    expect(h.swarm.mutations()).toEqual(['update tf-shop-production']);
    // Settling waited through Swarm's update and rollback: the pass that sent the spec records the failure.
    const shop = h.state.workloads['project/shop']!;
    const ready = shop.conditions.find((c) => c.type === 'Ready');
    expect(shop.phase).toBe('Degraded');
    expect(ready).toMatchObject({ status: 'False', reason: 'RolloutFailed' });
    expect(ready?.message).toMatch(/^production: rolled back: update rolled back due to failure .* of task \S+: /);
    expect(ready?.message).toContain(FAILED_TASK_ERROR);
    const record = shop.rollouts!.production!;
    expect(record).toMatchObject({ phase: 'Failed', specHash: record.failedSpecHash });
    expect(record.failedSpecHash).not.toBe(good);
    expect(failed.outcome.failed).toEqual(['project/shop']);
    expect(shop.containers.map((r) => [r.id, r.imageTag])).toEqual([['project/shop:production:1', '1']]);
    expect([...h.swarm.services_.values()][0]!.labels['tinyforge.spec-hash']).toBe(good);

    h.swarm.calls = [];
    const again = await h.tick();
    expect(h.swarm.mutations()).toEqual([]);
    expect(again.planLines).toEqual([]);
    expect(h.state.workloads['project/shop']!.conditions.find((c) => c.type === 'Ready')).toMatchObject({
      reason: 'RolloutFailed',
      message: ready?.message,
    });
    expect(h.state.workloads['project/shop']!.generation).toBe(shop.generation);

    // A new manifest is a new spec: it is rolled out.
    fs.writeFileSync(path.join(dir, 'shop.yaml'), projectManifest('3', HEALTHY));
    h.swarm.calls = [];
    await h.tick();
    expect(h.swarm.mutations()).toEqual(['update tf-shop-production']);
    expect(h.state.workloads['project/shop']).toMatchObject({ phase: 'Ready' });
    expect(h.state.workloads['project/shop']!.rollouts!.production).toMatchObject({
      phase: 'Complete',
      failedSpecHash: null,
    });
    expect(h.state.workloads['project/shop']!.containers.map((r) => r.imageTag)).toEqual(['3']);
  });

  it('holds a rolled-back spec of any kind by its role, and takes a return to the running spec as Ready', async () => {
    const web = (tag: string) =>
      imageManifest('web', ['network: host', 'command: [sleep, "3600"]', `env: {T: "${tag}"}`]);
    dir = makeFixtureDir({ 'web.yaml': web('1') });
    const h = new SwarmHarness(dir);
    await h.tick();
    fs.writeFileSync(path.join(dir, 'web.yaml'), web('2'));
    h.swarm.failNextUpdate('tf-web-image');
    await h.tick();
    expect(h.state.workloads['image/web']).toMatchObject({
      phase: 'Degraded',
      rollouts: { image: { phase: 'Failed' } },
    });
    h.swarm.calls = [];
    await h.tick();
    expect(h.swarm.mutations()).toEqual([]);

    fs.writeFileSync(path.join(dir, 'web.yaml'), web('1'));
    h.swarm.calls = [];
    await h.tick();
    expect(h.swarm.mutations()).toEqual([]);
    expect(h.state.workloads['image/web']).toMatchObject({
      phase: 'Ready',
      rollouts: { image: { phase: 'Complete' } },
    });
  });
});

describe("a service's last update, as the pass records it", () => {
  const service = (updateState: UpdateState, updateMessage: string | null = null): ObservedService => ({
    id: 'svc1',
    name: 'tf-web-image',
    version: 3,
    labels: { 'tinyforge.spec-hash': 'h2' },
    drift: [],
    image: 'x',
    replicas: 1,
    updateState,
    updateMessage,
  });
  const failedTask: ObservedTask = {
    id: 'task9',
    serviceId: 'svc1',
    slot: 1,
    nodeId: null,
    desiredState: 'shutdown',
    state: 'failed',
    message: FAILED_TASK_ERROR,
    containerId: null,
    created: 1,
    ports: [],
  };

  it('is under way while Swarm updates or rolls back, and just after an update Swarm has not started yet', () => {
    expect(serviceRollout(service('updating'), [], undefined, 0)).toMatchObject({ busy: true, rolledBack: false });
    expect(serviceRollout(service('rollback_started', 'x'), [], undefined, 0)).toMatchObject({
      busy: true,
      rolledBack: true,
    });
    expect(serviceRollout(service(null), [], 1000, 1000 + UPDATE_START_GRACE_MS - 1).busy).toBe(true);
    // An update that changed no task (labels only) never starts: done once the grace is over.
    expect(serviceRollout(service(null), [], 1000, 1000 + UPDATE_START_GRACE_MS).busy).toBe(false);
    // Right after an update, `completed` is still the update before's word.
    expect(serviceRollout(service('completed'), [], 1000, 1000).busy).toBe(true);
    expect(serviceRollout(service('completed'), [], 1000, 1000 + UPDATE_START_GRACE_MS)).toEqual({
      specHash: 'h2',
      deployedHash: 'h2',
      busy: false,
      rolledBack: false,
      message: null,
    });
  });

  it("says why it was rolled back in Swarm's words, with the failed task's error", () => {
    const why = 'update rolled back due to failure or early termination of task task9';
    expect(serviceRollout(service('rollback_completed', why), [failedTask], undefined, 0)).toEqual({
      specHash: 'h2',
      deployedHash: 'h2',
      busy: false,
      rolledBack: true,
      message: `${why}: ${FAILED_TASK_ERROR}`,
    });
    expect(
      serviceRollout(service('rollback_completed', 'rollback completed'), [failedTask], undefined, 0).message,
    ).toBe('rollback completed');
  });
});
