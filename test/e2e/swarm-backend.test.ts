import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { E2eProject } from '../support/e2e-project.js';
import { runCli } from '../support/run-cli.js';
import { hostSleeper, removeSwarmProject, swarmDocker } from '../support/swarm.js';

const other = hostSleeper([], 'other');

describe('the swarm backend on a real two-node cluster', () => {
  const { docker, host } = swarmDocker();
  let project: E2eProject | undefined;
  afterEach(async () => {
    await removeSwarmProject(docker, project);
    project = undefined;
  });

  const run = (p: E2eProject) =>
    runCli(['run', '--once', '--backend', 'swarm', '--name', p.name], {
      cwd: p.dir,
      env: { DOCKER_HOST: host },
      timeoutMs: 90_000,
    });
  const service = async (p: E2eProject, name: string) =>
    (await docker.listServices({ filters: { name: [`tf-${p.name}-${name}`] } })).find(
      (s) => s.Spec?.Name === `tf-${p.name}-${name}`,
    );

  it('refuses an engine that is not a Swarm manager, in one line, before anything is done (exit 2)', () => {
    project = new E2eProject({ 'web.yaml': hostSleeper() });
    const result = project.runOnce(['--backend', 'swarm']);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n').at(-1)).toMatch(
      /^tinyforge: --backend swarm: the engine at unix:\/\/\S+ is not a Swarm manager \(run 'docker swarm init' there, or use --backend docker\)$/,
    );
    expect(fs.existsSync(project.stateFile)).toBe(false);
  });

  it('runs a workload as one service, changes nothing on a second pass, updates it in place, and prunes it', async () => {
    project = new E2eProject({ 'web.yaml': hostSleeper(['replicas: 4']), 'other.yaml': other });
    const first = run(project);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toContain(`one reconcile pass on manifests with the Swarm manager at ${host}`);
    const created = await service(project, 'web-image');
    expect(created?.Spec?.Mode?.Replicated?.Replicas).toBe(4);
    expect(created?.Spec?.Labels).toMatchObject({
      'tinyforge.managed': 'true',
      'tinyforge.controller': project.name,
      'tinyforge.workload.id': 'image/web',
      'tinyforge.backend': 'swarm',
    });
    const state = project.state();
    expect(state.controller.backend).toBe('swarm');
    expect(state.workloads['image/web']).toMatchObject({ phase: 'Ready', replicas: { desired: 4, running: 4 } });
    expect(state.workloads['image/web']!.containers.map((r) => [r.id, r.state])).toEqual(
      [1, 2, 3, 4].map((n) => [`image/web:image:${n}`, 'running']),
    );
    // Both nodes are listed; each row names the node its task runs on.
    const nodes = await docker.listNodes();
    expect(state.controller.nodes?.map((n) => n.id).sort()).toEqual(nodes.map((n) => n.ID).sort());
    const hostnames = new Set(nodes.map((n) => n.Description?.Hostname));
    for (const row of state.workloads['image/web']!.containers) expect(hostnames.has(row.node)).toBe(true);

    const again = run(project);
    expect(again.code).toBe(0);
    expect(again.stdout).not.toMatch(/^[+~-] /m);
    expect((await service(project, 'web-image'))?.Version?.Index).toBe(created?.Version?.Index);

    project.write('web.yaml', hostSleeper(['replicas: 4', 'env: {EDITION: "2"}']));
    const updated = run(project);
    expect(updated.code).toBe(0);
    const after = await service(project, 'web-image');
    expect(after?.ID).toBe(created?.ID);
    expect(after?.Version?.Index).toBeGreaterThan(created?.Version?.Index ?? 0);
    expect(after?.Spec?.Labels?.['tinyforge.spec-hash']).not.toBe(created?.Spec?.Labels?.['tinyforge.spec-hash']);

    project.remove('web.yaml');
    const pruned = run(project);
    expect(pruned.code).toBe(0);
    expect(await service(project, 'web-image')).toBeUndefined();
    expect(await service(project, 'other-image')).toBeDefined();
    expect(project.state().workloads['image/web']).toBeUndefined();
  }, 240_000);
});
