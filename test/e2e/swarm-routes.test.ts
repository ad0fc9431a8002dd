import { afterEach, describe, expect, it } from 'vitest';
import { CaddyProcess, freePort, getVia } from '../support/caddy.js';
import { E2eProject } from '../support/e2e-project.js';
import { staticManifest } from '../support/fixture-dir.js';
import { runCli } from '../support/run-cli.js';
import { removeSwarmProject, swarmDocker } from '../support/swarm.js';

const PAGE = '<h1>docs on the swarm</h1>\n';

/** DESIGN.md section 7: routes point at the running tasks, set and removed through a real Caddy. */
describe('routes of a Swarm service in a real Caddy', () => {
  const { docker, host } = swarmDocker();
  let project: E2eProject | undefined;
  let caddy: CaddyProcess | undefined;
  afterEach(async () => {
    await caddy?.stop();
    caddy = undefined;
    await removeSwarmProject(docker, project);
    project = undefined;
  });

  it('routes the domain to the running task, and removes the route with the workload', async () => {
    caddy = new CaddyProcess();
    await caddy.start();
    const listen = await freePort();
    const port = await freePort();
    project = new E2eProject({ 'docs.yaml': staticManifest(port), 'site/index.html': PAGE });
    const p = project;
    const routeId = `tf-${p.name}-docs-static`;
    const flags = ['--routes', 'caddy', '--caddy-admin', caddy.admin, '--caddy-listen', `127.0.0.1:${listen}`];
    const run = (...more: string[]) =>
      runCli(['run', '--once', '--backend', 'swarm', '--name', p.name, ...flags, ...more], {
        cwd: p.dir,
        env: { DOCKER_HOST: host },
        timeoutMs: 90_000,
      });

    const first = run();
    expect(first.code, first.stderr).toBe(0);
    expect(await getVia(listen, 'docs.localhost')).toEqual({ status: 200, body: PAGE });
    expect(JSON.parse((await caddy.adminGet(`/id/${routeId}`)).body)).toMatchObject({
      handle: [{ handler: 'reverse_proxy', upstreams: [{ dial: `127.0.0.1:${port}` }] }],
    });
    expect(p.state().workloads['static/docs']!.containers).toEqual([
      expect.objectContaining({ state: 'running', domain: 'docs.localhost', routeId }),
    ]);
    const steady = run();
    expect(steady.code, steady.stderr).toBe(0);
    expect(steady.stdout).not.toMatch(/^[+~-] /m);

    p.remove('docs.yaml');
    const pruned = run('--allow-empty');
    expect(pruned.code, pruned.stderr).toBe(0);
    expect((await caddy.adminGet(`/id/${routeId}`)).status).toBe(404);
    expect(await docker.listServices({ filters: { label: [`tinyforge.controller=${p.name}`] } })).toEqual([]);
  }, 180_000);
});
