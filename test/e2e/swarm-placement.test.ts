import Docker from 'dockerode';
import { afterEach, describe, expect, it } from 'vitest';
import type { ControllerState } from '../../src/api/state-types.js';
import { dockerOptions } from '../support/docker-options.js';
import { E2eProject } from '../support/e2e-project.js';
import { eventually } from '../support/eventually.js';
import { staticManifest } from '../support/fixture-dir.js';
import { runCli } from '../support/run-cli.js';
import { SWARM_NODE_LABEL, hostSleeper, removeSwarmProject, swarmDocker } from '../support/swarm.js';

describe('placement on a real two-node cluster', () => {
  const { docker, host } = swarmDocker();
  // Both nodes run on this machine and report one hostname: a row's node is told by the engine holding its container.
  const engines = {
    a: docker,
    b: new Docker({ ...dockerOptions(host.replace(/\/a\/docker\.sock$/, '/b/docker.sock')), timeout: 30_000 }),
  };
  let project: E2eProject | undefined;
  afterEach(async () => {
    await removeSwarmProject(docker, project);
    project = undefined;
  });

  const run = (p: E2eProject, backend = 'swarm') =>
    runCli(['run', '--once', '--backend', backend, '--name', p.name], {
      cwd: p.dir,
      env: { DOCKER_HOST: backend === 'swarm' ? host : p.host },
      timeoutMs: 120_000,
    });
  const nodeIds = async () => {
    const nodes = await docker.listNodes();
    const id = (label: string) => nodes.find((n) => n.Spec?.Labels?.[SWARM_NODE_LABEL] === label)!.ID;
    return { a: id('a'), b: id('b'), hostnames: new Set(nodes.map((n) => n.Description?.Hostname)) };
  };
  /** Which node (`a` or `b`) runs each row's container. */
  const rowNodes = async (state: ControllerState, workloadId: string) => {
    const on = async (engine: Docker) => new Set((await engine.listContainers({ all: true })).map((c) => c.Id));
    const [onA, onB] = [await on(engines.a), await on(engines.b)];
    return state.workloads[workloadId]!.containers.map((row) =>
      onA.has(row.containerId ?? '') ? 'a' : onB.has(row.containerId ?? '') ? 'b' : '?',
    );
  };

  it('maxReplicasPerNode: 2 puts 4 replicas two on each node', async () => {
    project = new E2eProject({ 'web.yaml': hostSleeper(['replicas: 4', 'placement: {maxReplicasPerNode: 2}']) });
    const result = run(project);
    expect(result.code, result.stderr).toBe(0);
    const state = project.state();
    expect(state.workloads['image/web']).toMatchObject({ phase: 'Ready', replicas: { desired: 4, running: 4 } });
    expect((await rowNodes(state, 'image/web')).sort()).toEqual(['a', 'a', 'b', 'b']);
    const { hostnames } = await nodeIds();
    for (const row of state.workloads['image/web']!.containers) expect(hostnames.has(row.node)).toBe(true);
  }, 180_000);

  it('a constraint on a node label puts every task on that node', async () => {
    project = new E2eProject({
      'web.yaml': hostSleeper(['replicas: 2', `placement: {constraints: ["node.labels.${SWARM_NODE_LABEL}==b"]}`]),
    });
    const result = run(project);
    expect(result.code, result.stderr).toBe(0);
    expect(await rowNodes(project.state(), 'image/web')).toEqual(['b', 'b']);
  }, 180_000);

  it('a drained node gives its tasks to the other; the state shows the drain and the workload stays Ready', async () => {
    const { b } = await nodeIds();
    project = new E2eProject({
      'web.yaml': hostSleeper(['replicas: 2', `placement: {preferences: [{spread: node.labels.${SWARM_NODE_LABEL}}]}`]),
    });
    expect(run(project).code).toBe(0);
    expect((await rowNodes(project.state(), 'image/web')).sort()).toEqual(['a', 'b']);
    const node = docker.getNode(b);
    try {
      const spec = (await node.inspect()) as { Version: { Index: number }; Spec: object };
      await node.update({ version: spec.Version.Index, ...spec.Spec, Availability: 'drain' });
      const serviceTasks = async () =>
        (await docker.listTasks({ filters: { label: [`tinyforge.controller=${project!.name}`] } })).filter(
          (t) => t.DesiredState === 'running',
        );
      await eventually(
        'both tasks running on node A',
        async () => {
          const tasks = await serviceTasks();
          return tasks.length === 2 && tasks.every((t) => t.NodeID !== b && t.Status?.State === 'running');
        },
        90_000,
        500,
      );
      const after = run(project);
      expect(after.code, after.stderr).toBe(0);
      const state = project.state();
      expect(await rowNodes(state, 'image/web')).toEqual(['a', 'a']);
      expect(state.controller.nodes?.find((n) => n.id === b)?.availability).toBe('drain');
      expect(state.workloads['image/web']).toMatchObject({ phase: 'Ready', replicas: { desired: 2, running: 2 } });
    } finally {
      const spec = (await node.inspect()) as { Version: { Index: number }; Spec: object };
      await node.update({ version: spec.Version.Index, ...spec.Spec, Availability: 'active' });
    }
  }, 240_000);

  it("runs a Static on the controller's node only, and it answers HTTP", async () => {
    const port = 20_000 + Math.floor(Math.random() * 9_000);
    project = new E2eProject({
      'docs.yaml': staticManifest(port, []),
      'site/index.html': 'hello swarm\n',
    });
    const result = run(project);
    expect(result.code, result.stderr).toBe(0);
    expect(await rowNodes(project.state(), 'static/docs')).toEqual(['a']);
    const { a } = await nodeIds();
    const service = (await docker.listServices({ filters: { label: [`tinyforge.controller=${project.name}`] } }))[0];
    expect(service?.Spec?.TaskTemplate?.Placement?.Constraints).toEqual([`node.id==${a}`]);
    let body = '';
    await eventually(
      `HTTP on 127.0.0.1:${port}`,
      async () => {
        body = await fetch(`http://127.0.0.1:${port}/index.html`).then(
          (r) => r.text(),
          () => '',
        );
        return body !== '';
      },
      30_000,
      250,
    );
    expect(body).toBe('hello swarm\n');
  }, 180_000);

  it('under the docker backend a manifest with placement is invalid, naming --backend swarm, and nothing is created', async () => {
    project = new E2eProject({ 'web.yaml': hostSleeper(['placement: {maxReplicasPerNode: 2}']) });
    const result = run(project, 'docker');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'manifests/web.yaml:10:3: spec.placement: placement is for Swarm services; run with --backend swarm',
    );
    expect(project.state().invalid.map((p) => [p.line, p.column, p.path])).toEqual([[10, 3, '/spec/placement']]);
    expect(await project.containers()).toEqual([]);
  }, 60_000);
});
