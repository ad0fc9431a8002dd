import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import type Docker from 'dockerode';
import { afterEach, describe, expect, it } from 'vitest';
import { E2eProject } from '../support/e2e-project.js';
import { eventually } from '../support/eventually.js';
import { BIN, runCli } from '../support/run-cli.js';
import { hostSleeper, removeSwarmProject, swarmDocker } from '../support/swarm.js';

/** A service's env as its spec holds it. */
function envOf(service: Docker.Service | undefined): string[] {
  return (service?.Spec?.TaskTemplate as Docker.ContainerTaskSpec | undefined)?.ContainerSpec?.Env ?? [];
}

describe('the swarm backend sets back what was changed by hand, and keeps its safety guarantees', () => {
  const { docker, host } = swarmDocker();
  let project: E2eProject | undefined;
  afterEach(async () => {
    await removeSwarmProject(docker, project);
    project = undefined;
  });

  const cli = (p: E2eProject, command: 'run' | 'plan', args: string[] = []) =>
    runCli([command, ...(command === 'run' ? ['--once'] : []), '--backend', 'swarm', '--name', p.name, ...args], {
      cwd: p.dir,
      env: { DOCKER_HOST: host },
      timeoutMs: 90_000,
    });
  /** The docker CLI on the cluster's manager, as a person at the keyboard would use it. */
  const byHand = (...args: string[]) => execFileSync('docker', args, { env: { ...process.env, DOCKER_HOST: host } });
  const serviceName = (p: E2eProject, role = 'web-image') => `tf-${p.name}-${role}`;
  const service = async (p: E2eProject, role = 'web-image') =>
    (await docker.listServices({ filters: { name: [serviceName(p, role)] } })).find(
      (s) => s.Spec?.Name === serviceName(p, role),
    );
  const ours = async (p: E2eProject) =>
    docker.listServices({ filters: { label: [`tinyforge.controller=${p.name}`, 'tinyforge.workload.id=image/web'] } });

  it('a service scaled by hand is scaled back (plan names the cause), one edited by hand is set back', async () => {
    project = new E2eProject({ 'web.yaml': hostSleeper(['replicas: 2']) });
    expect(cli(project, 'run').code).toBe(0);
    const created = await service(project);
    byHand('service', 'scale', '--detach', `${serviceName(project)}=3`);
    const plan = cli(project, 'plan');
    expect(plan.code).toBe(2);
    expect(plan.stdout.split('\n').filter((l) => /^[+~-] /.test(l))).toEqual([
      `~ update service ${serviceName(project)}: replicas 3 -> 2 (changed outside tinyforge)`,
    ]);
    const scaled = cli(project, 'run');
    expect(scaled.code, scaled.stderr).toBe(0);
    const back = await service(project);
    expect(back?.ID).toBe(created?.ID);
    expect(back?.Spec?.Mode?.Replicated?.Replicas).toBe(2);
    expect(project.state().workloads['image/web']).toMatchObject({ phase: 'Ready', replicas: { desired: 2 } });

    byHand('service', 'update', '--detach', '--env-add', 'EXTRA=1', serviceName(project));
    const edited = cli(project, 'run');
    expect(edited.code, edited.stderr).toBe(0);
    expect(edited.stdout).toContain(
      `~ update service ${serviceName(project)}: env changed (changed outside tinyforge)`,
    );
    const after = await service(project);
    expect(after?.ID).toBe(created?.ID);
    expect(envOf(after)).not.toContain('EXTRA=1');
    const again = cli(project, 'run');
    expect(again.stdout).not.toMatch(/^[+~-] /m);
    expect((await service(project))?.Version?.Index).toBe(after?.Version?.Index);
  }, 240_000);

  it('a service removed by hand comes back on the next run', async () => {
    project = new E2eProject({ 'web.yaml': hostSleeper() });
    expect(cli(project, 'run').code).toBe(0);
    byHand('service', 'rm', serviceName(project));
    const again = cli(project, 'run');
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain(`+ create service ${serviceName(project)}: 1 replica (removed outside tinyforge)`);
    expect(await ours(project)).toHaveLength(1);
    expect(project.state().workloads['image/web']?.phase).toBe('Ready');
  }, 180_000);

  it('never changes or removes a service that claims a workload without a valid signature, and lists it as foreign', async () => {
    project = new E2eProject({ 'web.yaml': hostSleeper(), 'other.yaml': hostSleeper([], 'other') });
    const fake = await docker.createService({
      Name: `tf-${project.name}-impostor`,
      Labels: {
        'tinyforge.managed': 'true',
        'tinyforge.controller': project.name,
        'tinyforge.workload.id': 'image/web',
        'tinyforge.workload.kind': 'image',
        'tinyforge.workload.name': 'web',
        'tinyforge.role': 'image',
        'tinyforge.spec-hash': '0000000000000000',
        'tinyforge.backend': 'swarm',
        'tinyforge.signature': '0'.repeat(64),
      },
      TaskTemplate: {
        ContainerSpec: { Image: 'tinyforge-test/busybox:1', Command: ['sleep', '3600'], Init: true },
        Networks: [{ Target: 'host' }],
      },
      Mode: { Replicated: { Replicas: 1 } },
    });
    const id = (fake as { id: string }).id;
    // Swarm updates a new service once itself (allocation): its version is read once its task runs.
    await eventually(
      'the impostor to run',
      async () =>
        (await docker.listTasks({ filters: { service: [id], 'desired-state': ['running'] } })).some(
          (t) => t.Status?.State === 'running',
        ),
      60_000,
      100,
    );
    const version = (await docker.getService(id).inspect()).Version.Index;
    expect(cli(project, 'run').code).toBe(0);
    expect(project.state().foreign.map((f) => f.name)).toEqual([`tf-${project.name}-impostor`]);
    project.remove('web.yaml');
    const pruned = cli(project, 'run');
    expect(pruned.code, pruned.stderr).toBe(0);
    expect(await service(project)).toBeUndefined();
    expect((await docker.getService(id).inspect()).Version.Index).toBe(version);
    expect(project.state().foreign.map((f) => f.name)).toEqual([`tf-${project.name}-impostor`]);
  }, 180_000);

  it('killed with SIGKILL in the middle of an update, the next run converges to one service with the new spec', async () => {
    project = new E2eProject({ 'web.yaml': hostSleeper(['replicas: 2']) });
    expect(cli(project, 'run').code).toBe(0);
    const before = await service(project);
    project.write('web.yaml', hostSleeper(['replicas: 2', 'env: {EDITION: "2"}']));
    const child = spawn(process.execPath, [BIN, 'run', '--once', '--backend', 'swarm', '--name', project.name], {
      cwd: project.dir,
      env: { ...process.env, DOCKER_HOST: host },
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    const p = project;
    await eventually(
      'the update to reach Swarm',
      async () => ((await service(p))?.Version?.Index ?? 0) > (before?.Version?.Index ?? 0),
      60_000,
      50,
    );
    child.kill('SIGKILL');
    await exited;
    const again = cli(project, 'run');
    expect(again.code, again.stderr).toBe(0);
    const services = await ours(project);
    expect(services.map((s) => s.ID)).toEqual([before?.ID]);
    expect(envOf(services[0])).toContain('EDITION=2');
    expect(project.state().workloads['image/web']).toMatchObject({ phase: 'Ready', replicas: { updated: 2 } });
  }, 240_000);

  it('an emptied manifest folder removes nothing without --allow-empty, and every service with it', async () => {
    project = new E2eProject({ 'web.yaml': hostSleeper() });
    expect(cli(project, 'run').code).toBe(0);
    project.remove('web.yaml');
    const refused = cli(project, 'run');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('prune refused for image/web');
    expect(await ours(project)).toHaveLength(1);
    fs.rmSync(project.manifests, { recursive: true });
    expect(cli(project, 'run').code).toBe(1);
    expect(await ours(project)).toHaveLength(1);
    fs.mkdirSync(project.manifests);
    const allowed = cli(project, 'run', ['--allow-empty']);
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(allowed.stdout).toContain(`- remove service ${serviceName(project)}: manifest deleted`);
    expect(await ours(project)).toEqual([]);
  }, 180_000);

  it('a service no node can take is Progressing with Swarm message, and run --once does not wait for it', async () => {
    project = new E2eProject({ 'web.yaml': hostSleeper() });
    const nodes = (await docker.listNodes()).map((n) => n.ID);
    for (const node of nodes) byHand('node', 'update', '--availability', 'pause', node);
    try {
      const started = Date.now();
      const result = cli(project, 'run');
      // The settle timeout is 30 s: a run that stops waiting for what cannot be placed ends well before.
      expect(Date.now() - started).toBeLessThan(20_000);
      // Not converged: `run --once` says so and exits 1, as for any workload still coming up.
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('image/web Progressing: 1/1 tasks waiting for a node: no suitable node (');
      const status = project.state().workloads['image/web'];
      expect(status?.phase).toBe('Progressing');
      expect(status?.conditions.find((c) => c.type === 'Ready')).toMatchObject({
        status: 'False',
        reason: 'Unschedulable',
        message: expect.stringMatching(/^1\/1 tasks waiting for a node: no suitable node \(/),
      });
    } finally {
      for (const node of nodes) byHand('node', 'update', '--availability', 'active', node);
    }
  }, 180_000);
});
