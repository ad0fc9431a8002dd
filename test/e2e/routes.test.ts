import { afterEach, describe, expect, it } from 'vitest';
import { CaddyProcess, freePort, getVia } from '../support/caddy.js';
import { E2eProject, sleeper } from '../support/e2e-project.js';
import { staticManifest } from '../support/fixture-dir.js';

const PAGE = '<h1>docs</h1>\n';

describe('routes of a Static site in a real Caddy', () => {
  let project: E2eProject | undefined;
  let caddy: CaddyProcess | undefined;
  afterEach(async () => {
    await caddy?.stop();
    caddy = undefined;
    await project?.cleanup();
    project = undefined;
  });

  it('routes the domain to the running site, removes the route with the domain, and with the manifest', async () => {
    caddy = new CaddyProcess();
    await caddy.start();
    const listen = await freePort();
    const port = await freePort();
    const flags = ['--routes', 'caddy', '--caddy-admin', caddy.admin, '--caddy-listen', `127.0.0.1:${listen}`];
    project = new E2eProject({ 'docs.yaml': staticManifest(port), 'site/index.html': PAGE });
    const routeId = `tf-${project.name}-docs-static`;

    // run --once creates the container, then makes the pass that routes it.
    const first = project.runOnce(flags);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('+ create static/docs#1: new replica');
    expect(first.stdout).toContain(`~ route docs.localhost -> static/docs: docs.localhost to 127.0.0.1:${port}`);
    expect(await getVia(listen, 'docs.localhost')).toEqual({ status: 200, body: PAGE });
    expect(project.state().workloads['static/docs']!.containers).toEqual([
      expect.objectContaining({ state: 'running', domain: 'docs.localhost', routeId }),
    ]);
    expect(JSON.parse((await caddy.adminGet(`/id/${routeId}`)).body)).toMatchObject({
      match: [{ host: ['docs.localhost'] }],
      handle: [{ handler: 'reverse_proxy', upstreams: [{ dial: `127.0.0.1:${port}` }] }],
    });
    // Nothing left to do: another pass changes nothing.
    const steady = project.runOnce(flags);
    expect(steady.code, steady.stderr).toBe(0);
    expect(steady.stdout).not.toMatch(/^[+~-] /m);

    // Without the domain: the route goes, the site still runs on its own port.
    project.write('docs.yaml', staticManifest(port, []));
    const unrouted = project.runOnce(flags);
    expect(unrouted.code, unrouted.stderr).toBe(0);
    expect(unrouted.stdout).toContain(`- route ${routeId} of static/docs: domain removed`);
    expect((await caddy.adminGet(`/id/${routeId}`)).status).toBe(404);
    // Caddy's server has no route left: it answers with its empty default.
    expect(await getVia(listen, 'docs.localhost')).toEqual({ status: 200, body: '' });
    expect(project.state().workloads['static/docs']!.containers).toEqual([
      expect.objectContaining({ state: 'running', domain: null, routeId: null }),
    ]);
    expect(await getVia(port, 'localhost')).toEqual({ status: 200, body: PAGE });
    const settled = project.runOnce(flags);
    expect(settled.code, settled.stderr).toBe(0);
    expect(settled.stdout).not.toMatch(/^[+~-] /m);

    // The domain back, then the manifest deleted (another one remains, so pruning is allowed).
    project.write('docs.yaml', staticManifest(port));
    const rerouted = project.runOnce(flags);
    expect(rerouted.code, rerouted.stderr).toBe(0);
    expect(await getVia(listen, 'docs.localhost')).toEqual({ status: 200, body: PAGE });

    project.remove('docs.yaml');
    project.write('other.yaml', sleeper('other'));
    const pruned = project.runOnce(flags);
    expect(pruned.code, pruned.stderr).toBe(0);
    expect(pruned.stdout).toContain(`- route ${routeId} of static/docs: manifest deleted`);
    expect(pruned.stdout).toContain('- remove static/docs#1: manifest deleted');
    expect((await caddy.adminGet(`/id/${routeId}`)).status).toBe(404);
    expect(await getVia(listen, 'docs.localhost')).toEqual({ status: 200, body: '' });
    expect((await project.containers()).map((c) => c.Labels['tinyforge.workload.id'])).toEqual(['image/other']);
    expect(project.state().workloads['static/docs']).toBeUndefined();
  });
});
