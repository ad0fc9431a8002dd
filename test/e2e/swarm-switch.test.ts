import { afterEach, describe, expect, it } from 'vitest';
import { E2eProject } from '../support/e2e-project.js';
import { runCli } from '../support/run-cli.js';
import { hostSleeper, removeServicesOf, swarmDocker } from '../support/swarm.js';

const web = hostSleeper();

/**
 * DESIGN.md section 7: switching backends adopts nothing. On the Swarm manager's own
 * engine, the docker backend never touches a service or its task containers, and the
 * swarm backend never touches plain containers.
 */
describe('switching backends on a Swarm manager', () => {
  const { docker, host } = swarmDocker();
  let project: E2eProject | undefined;
  afterEach(async () => {
    if (!project) return;
    const label = `tinyforge.controller=${project.name}`;
    await removeServicesOf(docker, project.name);
    for (const c of await docker.listContainers({ all: true, filters: { label: [label] } }))
      await docker.getContainer(c.Id).remove({ force: true });
    await project.cleanup();
    project = undefined;
  });

  const run = (p: E2eProject, backend: 'docker' | 'swarm') =>
    runCli(['run', '--once', '--backend', backend, '--name', p.name], {
      cwd: p.dir,
      env: { DOCKER_HOST: host },
      timeoutMs: 90_000,
    });
  /** The service and every container on the manager's engine, as ids and versions. */
  const seen = async (p: E2eProject) => {
    const services = await docker.listServices({ filters: { label: [`tinyforge.controller=${p.name}`] } });
    const tasks = await docker.listTasks({
      filters: { service: services.map((s) => s.ID), 'desired-state': ['running'] },
    });
    const plain = await docker.listContainers({ all: true, filters: { label: [`tinyforge.controller=${p.name}`] } });
    return {
      services: services.map((s) => [s.ID, s.Version?.Index]),
      tasks: tasks.map((t) => t.Status?.ContainerStatus?.ContainerID).sort(),
      plain: plain.map((c) => [c.Id, c.State]),
    };
  };

  it('adopts nothing: each backend leaves what the other made as it was', async () => {
    project = new E2eProject({ 'web.yaml': web });
    expect(run(project, 'swarm').code).toBe(0);
    const afterSwarm = await seen(project);
    expect(afterSwarm.services).toHaveLength(1);
    expect(afterSwarm.tasks).toHaveLength(1);
    expect(afterSwarm.plain).toEqual([]);

    // The docker backend creates a container of its own and leaves the service and its task alone.
    const plainRun = run(project, 'docker');
    expect(plainRun.code, plainRun.stderr).toBe(0);
    const afterDocker = await seen(project);
    expect(afterDocker.services).toEqual(afterSwarm.services);
    expect(afterDocker.tasks).toEqual(afterSwarm.tasks);
    expect(afterDocker.plain).toHaveLength(1);
    expect(afterDocker.plain[0]![1]).toBe('running');

    // Back on swarm: in sync, and the plain container is neither adopted nor removed.
    const again = run(project, 'swarm');
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).not.toMatch(/^[+~-] /m);
    expect(await seen(project)).toEqual(afterDocker);
  }, 180_000);
});
