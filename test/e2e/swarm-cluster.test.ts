import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.js';
import { SWARM_NODE_LABEL, swarmDocker } from '../support/swarm.js';
import { TEST_IMAGE } from '../support/test-docker.js';

/** Every service this file creates carries this label; it removes those, and only those. */
const HARNESS_LABEL = 'tinyforge.test';
const HARNESS_VALUE = 'swarm-harness';

const { docker } = swarmDocker();
const runId = randomUUID().slice(0, 8);

async function removeOwnServices(): Promise<void> {
  const services = await docker.listServices({
    filters: { label: [`${HARNESS_LABEL}=${HARNESS_VALUE}`, `tinyforge.test.run=${runId}`] },
  });
  for (const service of services) await docker.getService(service.ID).remove();
}

describe('the two-node Swarm test cluster (test/support/swarm.sh), through dockerode', () => {
  afterAll(removeOwnServices);

  it('has two Ready nodes: one manager (a) and one worker (b)', async () => {
    const nodes = await docker.listNodes();
    const seen = nodes
      .map((n) => [n.Spec?.Labels?.[SWARM_NODE_LABEL], n.Spec?.Role, n.Status?.State, n.Spec?.Availability])
      .sort((x, y) => String(x[0]).localeCompare(String(y[0])));
    expect(seen).toEqual([
      ['a', 'manager', 'ready', 'active'],
      ['b', 'worker', 'ready', 'active'],
    ]);
  });

  it('spreads a replicated service on the host network over both nodes, two tasks per node at most', async () => {
    const nodes = await docker.listNodes();
    const nodeLabel = new Map(nodes.map((n) => [n.ID, n.Spec?.Labels?.[SWARM_NODE_LABEL]]));
    const name = `tinyforge-e2e-swarm-${runId}`;
    const created = await docker.createService({
      Name: name,
      Labels: { [HARNESS_LABEL]: HARNESS_VALUE, 'tinyforge.test.run': runId },
      TaskTemplate: {
        ContainerSpec: { Image: TEST_IMAGE, Command: ['sleep', '3600'], Init: true, StopGracePeriod: 1_000_000_000 },
        // The host network: these engines have no bridge and run no ingress network.
        Networks: [{ Target: 'host' }],
        Placement: { MaxReplicas: 2 },
        RestartPolicy: { Condition: 'on-failure', MaxAttempts: 1 },
      },
      Mode: { Replicated: { Replicas: 4 } },
      EndpointSpec: { Mode: 'dnsrr' },
    });
    const serviceId = created.id;

    let running: Awaited<ReturnType<typeof docker.listTasks>> = [];
    await eventually(
      'four running tasks',
      async () => {
        running = await docker.listTasks({ filters: { service: [serviceId], 'desired-state': ['running'] } });
        return running.length === 4 && running.every((t) => t.Status?.State === 'running');
      },
      40_000,
      250,
    ).catch((error: Error) => {
      const states = running.map((t) => `${t.Status?.State} ${t.Status?.Err ?? ''}`);
      throw new Error(`${error.message}; tasks: ${JSON.stringify(states)}`);
    });

    const perNode = new Map<string, number>();
    for (const task of running) {
      const label = nodeLabel.get(task.NodeID!) ?? `unknown ${task.NodeID}`;
      perNode.set(label, (perNode.get(label) ?? 0) + 1);
    }
    expect([...perNode].sort()).toEqual([
      ['a', 2],
      ['b', 2],
    ]);
    // The manager is node a: its tasks' containers are on this engine, on the host network.
    const onManager = running.filter((t) => nodeLabel.get(t.NodeID!) === 'a');
    for (const task of onManager) {
      const container = await docker.getContainer(task.Status!.ContainerStatus!.ContainerID!).inspect();
      expect([container.HostConfig.NetworkMode, container.Config.Image]).toEqual(['host', TEST_IMAGE]);
    }

    await docker.getService(serviceId).remove();
    await eventually(
      'the service removed',
      async () =>
        (await docker.listServices({ filters: { label: [`tinyforge.test.run=${runId}`] } })).length === 0 &&
        (await docker.listContainers({ all: true, filters: { label: [`com.docker.swarm.service.id=${serviceId}`] } }))
          .length === 0,
      20_000,
      100,
    );
  });
});
