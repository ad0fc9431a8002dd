import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { NODES_TTL_MS } from '../../src/reconcile/swarm-cluster-view.js';
import { imageManifest, makeFixtureDir, removeFixtureDir, staticManifest } from '../support/fixture-dir.js';
import { MemoryRoutes } from '../support/memory-routes.js';
import { SwarmHarness } from '../support/swarm-harness.js';

const HOST = ['command: [sleep, "3600"]', 'network: host'];

describe('the swarm backend, on a cluster in memory', () => {
  let dir = '';
  afterEach(() => removeFixtureDir(dir));

  it('makes each workload role one service, scales and updates it in place, and reads twice when nothing changed', async () => {
    dir = makeFixtureDir({ 'web.yaml': imageManifest('web', [...HOST, 'replicas: 3']) });
    const h = new SwarmHarness(dir);
    await h.tick();
    expect(h.swarm.mutations()).toEqual(['create tf-web-image']);
    expect(h.state.workloads['image/web']).toMatchObject({ phase: 'Ready', replicas: { desired: 3, running: 3 } });
    expect(h.state.workloads['image/web']!.containers.map((r) => r.node)).toEqual(['host-a', 'host-a', 'host-a']);
    expect(h.state.controller.nodes).toEqual([
      { id: 'node-a', hostname: 'host-a', role: 'manager', state: 'ready', availability: 'active' },
    ]);

    h.swarm.calls = [];
    const quiet = await h.tick();
    expect(h.swarm.calls).toEqual(['read services', 'read tasks']);
    expect(quiet.outcome.dockerCalls).toBe(2);

    fs.writeFileSync(path.join(dir, 'web.yaml'), imageManifest('web', [...HOST, 'replicas: 2']));
    h.swarm.calls = [];
    await h.tick();
    expect(h.swarm.mutations()).toEqual(['update tf-web-image']);
    expect([...h.swarm.services_.values()].map((s) => [s.name, s.replicas, s.version])).toEqual([
      ['tf-web-image', 2, 2],
    ]);
  });

  it("records each service's plan line on its workload (lastPlan, as describe shows it) and in plan -o json", async () => {
    dir = makeFixtureDir({ 'web.yaml': imageManifest('web', [...HOST, 'replicas: 2']) });
    const h = new SwarmHarness(dir);
    const first = await h.tick();
    expect(first.plan.map((e) => e.workload)).toEqual(['image/web']);
    expect(h.state.workloads['image/web']!.lastPlan?.lines).toEqual(first.planLines);
    expect(first.planLines).toHaveLength(1);
    expect(first.planLines[0]).toMatch(/^\+ create service tf-web-image/);
  });

  it('lists the nodes only when it has none, a task names an unknown one, or the list is NODES_TTL_MS old', async () => {
    dir = makeFixtureDir({ 'web.yaml': imageManifest('web', HOST) });
    const h = new SwarmHarness(dir);
    h.seed = await h.swarm.cluster();
    h.swarm.calls = [];
    await h.tick();
    expect(h.swarm.calls).not.toContain('read cluster');
    expect(h.state.controller.nodes?.map((n) => n.hostname)).toEqual(['host-a']);

    h.clock.advance(NODES_TTL_MS - 1000);
    h.swarm.calls = [];
    await h.tick();
    expect(h.swarm.calls).toEqual(['read services', 'read tasks']);
    h.clock.advance(1000);
    h.swarm.calls = [];
    await h.tick();
    expect(h.swarm.calls).toEqual(['read services', 'read tasks', 'read nodes']);
  });

  it('routes a domain to the running tasks through the proxy, and removes the route with the domain', async () => {
    dir = makeFixtureDir({ 'docs.yaml': staticManifest(8081), 'site/index.html': 'hi' });
    const h = new SwarmHarness(dir);
    const routes = new MemoryRoutes();
    h.routes = routes;
    const first = await h.tick();
    // The service is created this pass: its route waits for the next, which comes soon.
    expect(first.outcome.rolling).toEqual(['static/docs']);
    await h.tick();
    expect([...routes.held.values()]).toEqual([
      { id: 'tf-docs-static', domain: 'docs.localhost', upstreams: ['127.0.0.1:8081'] },
    ]);
    expect(h.state.workloads['static/docs']!.containers.map((r) => r.routeId)).toEqual(['tf-docs-static']);

    fs.writeFileSync(path.join(dir, 'docs.yaml'), staticManifest(8081, []));
    await h.tick();
    expect(routes.held.size).toBe(0);
    expect(h.state.workloads['static/docs']!.containers.map((r) => r.routeId)).toEqual([null]);
  });

  it('routes to a task on another node at that node address, on the port it publishes', async () => {
    const spec = ['command: [httpd, -f]', 'network: apps', 'domain: web.localhost'];
    dir = makeFixtureDir({
      'web.yaml': imageManifest('web', [...spec, 'ports: [{container: 80, host: 8080, hostIP: 0.0.0.0}]']),
    });
    const h = new SwarmHarness(dir);
    const routes = new MemoryRoutes();
    h.routes = routes;
    h.swarm.workers = [
      {
        id: 'node-b',
        hostname: 'host-b',
        role: 'worker',
        state: 'ready',
        availability: 'active',
        addr: '127.0.1.2',
        labels: {},
      },
    ];
    h.swarm.taskNode = 'node-b';
    await h.tick();
    await h.tick();
    expect([...routes.held.values()]).toEqual([
      { id: 'tf-web-image', domain: 'web.localhost', upstreams: ['127.0.1.2:8080'] },
    ]);
    expect(h.state.workloads['image/web']!.containers.map((r) => r.node)).toEqual(['host-b']);
  });

  it("gives a service its env files' values, and never writes them to the state, the plan or an event", async () => {
    const SECRET = 'hunter2-swarm';
    dir = makeFixtureDir({
      'web.yaml': imageManifest('web', [...HOST, 'envFiles: [web.env]', 'env: {MODE: plain}']),
      'web.env': `TOKEN=${SECRET}\n`,
    });
    const h = new SwarmHarness(dir);
    const created = await h.tick();
    expect(h.swarm.requests.get('tf-web-image')?.env).toEqual([`TOKEN=${SECRET}`, 'MODE=plain']);
    fs.writeFileSync(path.join(dir, 'web.env'), `TOKEN=${SECRET}-2\n`);
    const plan = await h.tick({ dryRun: true });
    expect(plan.planLines).toEqual([expect.stringMatching(/^~ update service tf-web-image: /)]);
    const updated = await h.tick();
    expect(h.swarm.requests.get('tf-web-image')?.env).toEqual([`TOKEN=${SECRET}-2`, 'MODE=plain']);
    const said = JSON.stringify([h.state, created, plan, updated]);
    expect(said).not.toContain(SECRET);
  });

  it('a failed read changes nothing: no service is touched and no row swept (guarantee 1)', async () => {
    dir = makeFixtureDir({ 'web.yaml': imageManifest('web', HOST) });
    const h = new SwarmHarness(dir);
    await h.tick();
    const rows = h.state.workloads['image/web']!.containers;
    h.swarm.unreachable = true;
    h.swarm.calls = [];
    const result = await h.tick();
    expect(result.outcome.dockerReachable).toBe(false);
    expect(h.swarm.mutations()).toEqual([]);
    expect(h.state.workloads['image/web']!.containers).toEqual(rows);
  });

  it('never adopts, changes or removes a service it did not sign, and lists it as foreign (guarantee 4)', async () => {
    dir = makeFixtureDir({ 'web.yaml': imageManifest('web', HOST) });
    const h = new SwarmHarness(dir);
    h.swarm.addForeign('tf-web-image', {
      'tinyforge.managed': 'true',
      'tinyforge.controller': 'default',
      'tinyforge.workload.id': 'image/web',
      'tinyforge.backend': 'swarm',
    });
    await h.tick();
    expect(h.state.foreign.map((f) => f.name)).toEqual(['tf-web-image']);
    expect(h.swarm.mutations()).toEqual([]);
  });
});
