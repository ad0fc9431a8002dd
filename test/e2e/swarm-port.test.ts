import { afterAll, describe, expect, it } from 'vitest';
import { DockerodeSwarmPort } from '../../src/adapters/dockerode-swarm-port.js';
import { DEFAULT_POLICY } from '../../src/api/policy.js';
import { containerSpec } from '../../src/reconcile/container-spec.js';
import type { ServiceRequest } from '../../src/reconcile/swarm-port.js';
import { eventually } from '../support/eventually.js';
import { swarmHost } from '../support/swarm.js';
import { TEST_IMAGE, testDocker } from '../support/test-docker.js';

const scope = { policy: DEFAULT_POLICY, manifestDir: '/nonexistent' };
const port = (host: string) => new DockerodeSwarmPort({ host, timeoutMs: 30_000, scope });

describe('the Swarm port on an engine that is not a Swarm manager', () => {
  it('says so, and lists no nodes', async () => {
    const { host } = testDocker();
    expect(await port(host).cluster()).toEqual({ manager: false, nodes: [], nodeId: null });
  });
});

describe('the Swarm port on a real two-node cluster', () => {
  const swarm = port(swarmHost());
  const runId = Math.random().toString(16).slice(2, 10);
  const created: string[] = [];
  afterAll(async () => {
    for (const id of created) await swarm.removeService(id);
  });

  const request = (env: string[]): ServiceRequest => ({
    name: `tf-e2e-port-${runId}`,
    spec: containerSpec({
      fields: { image: TEST_IMAGE, command: ['sleep', '3600'], network: 'host', init: true, stopTimeout: '1s' },
      metadataLabels: undefined,
      references: [],
      dir: '/nonexistent',
      digest: () => '',
    }),
    replicas: 4,
    labels: { 'tinyforge.managed': 'true', 'tinyforge.test.run': runId },
    env,
    update: { order: 'stop-first', monitorMs: 1000 },
    placement: { constraints: [], maxReplicasPerNode: 2, spread: [] },
  });

  it('sees the manager and both nodes, and knows its own node', async () => {
    const cluster = await swarm.cluster();
    expect(cluster.manager).toBe(true);
    expect(cluster.nodeId).toBe(cluster.nodes.find((n) => n.role === 'manager')?.id);
    expect(cluster.nodes.map((n) => [n.role, n.state]).sort()).toEqual([
      ['manager', 'ready'],
      ['worker', 'ready'],
    ]);
  });

  it('creates a service whose tasks run on both nodes, updates it in place, and removes it', async () => {
    const id = await swarm.createService(request(['EDITION=1']));
    created.push(id);
    const mine = async () => (await swarm.services()).find((s) => s.id === id);
    expect(await mine()).toMatchObject({ name: `tf-e2e-port-${runId}`, replicas: 4 });
    const running = async () =>
      (await swarm.tasks([id])).filter((t) => t.desiredState === 'running' && t.state === 'running');
    await eventually('4 running tasks', async () => (await running()).length === 4, 60_000, 250);
    const tasks = await running();
    expect(new Set(tasks.map((t) => t.nodeId)).size).toBe(2);
    expect(tasks.map((t) => t.slot).sort()).toEqual([1, 2, 3, 4]);
    expect(tasks.every((t) => t.containerId !== null)).toBe(true);

    const before = (await mine())!;
    await swarm.updateService(id, before.version, request(['EDITION=2']));
    const after = (await mine())!;
    expect(after.id).toBe(id);
    expect(after.version).toBeGreaterThan(before.version);

    await swarm.removeService(id);
    created.splice(created.indexOf(id), 1);
    expect(await mine()).toBeUndefined();
    // Removing what is gone already is no error.
    await swarm.removeService(id);
  }, 120_000);

  it('reads nothing but fails as a failed read when the manager does not answer', async () => {
    const gone = port('unix:///nonexistent/tinyforge/docker.sock');
    await expect(gone.services()).rejects.toMatchObject({ code: 'DOCKER_UNREACHABLE' });
  });
});
