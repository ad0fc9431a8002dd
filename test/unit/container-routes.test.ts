import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { OwnedContainer } from '../../src/reconcile/classify.js';
import { upstreamOf } from '../../src/reconcile/container-routes.js';
import type { DesiredContainer } from '../../src/reconcile/desired.js';
import { makeFixtureDir, removeFixtureDir, staticManifest } from '../support/fixture-dir.js';
import { MemoryRoutes } from '../support/memory-routes.js';
import { TickHarness } from '../support/tick-harness.js';

/** The Static site of these tests: on the host network, listening on 127.0.0.1:8081. */
function site(extra?: string[]): string {
  return staticManifest(8081, extra);
}

/** A Stack whose `web` service listens on the host network on 8082, routed from `app.localhost`. */
const STACK = `apiVersion: tinyforge.dev/v1
kind: Stack
metadata: {name: app}
spec:
  services:
    web: {image: tinyforge-test/busybox:1, command: [sleep, "3600"], network: host, domain: app.localhost}
    db: {image: tinyforge-test/busybox:1, command: [sleep, "3600"], network: none}
`;

describe('routes of every kind (domain)', () => {
  let dir = '';
  afterEach(() => removeFixtureDir(dir));

  function harness(files: Record<string, string>): { h: TickHarness; routes: MemoryRoutes } {
    dir = makeFixtureDir(files);
    fs.mkdirSync(path.join(dir, 'site'), { recursive: true });
    const h = new TickHarness(dir);
    const routes = new MemoryRoutes();
    h.routes = routes;
    return { h, routes };
  }

  it('routes a Static site to its port once it runs, records the route on its row, and keeps it', async () => {
    const { h, routes } = harness({ 'docs.yaml': site() });
    const first = await h.tick();
    expect(first.planLines).toEqual(['+ create static/docs#1: new replica']);
    expect(first.outcome.rolling).toEqual(['static/docs']);

    const second = await h.tick();
    expect(second.planLines).toEqual(['~ route docs.localhost -> static/docs: docs.localhost to 127.0.0.1:8081']);
    expect([...routes.held.values()]).toEqual([
      { id: 'tf-docs-static', domain: 'docs.localhost', upstreams: ['127.0.0.1:8081'] },
    ]);
    expect(h.state.workloads['static/docs']!.containers.map((r) => [r.domain, r.routeId])).toEqual([
      ['docs.localhost', 'tf-docs-static'],
    ]);
    expect(second.outcome.rolling).toEqual([]);
    expect((await h.tick()).planLines).toEqual([]);
  });

  it('sets a route again when the proxy lost it, and removes it with the domain and with the manifest', async () => {
    const { h, routes } = harness({ 'docs.yaml': site() });
    await h.tick();
    await h.tick();
    routes.held.clear();
    expect((await h.tick()).planLines).toEqual(['~ route docs.localhost -> static/docs: the proxy does not hold it']);
    expect(routes.held.size).toBe(1);

    fs.writeFileSync(path.join(dir, 'docs.yaml'), site([]));
    const changed = await h.tick();
    expect(changed.planLines).toEqual([
      expect.stringMatching(/^~ recreate static\/docs#1: .*domain changed/),
      '- route tf-docs-static of static/docs: domain removed',
    ]);
    expect(routes.held.size).toBe(0);
    // The row is no longer behind the route, so it is not removed again.
    expect(h.state.workloads['static/docs']!.containers.map((r) => [r.domain, r.routeId])).toEqual([[null, null]]);
    expect((await h.tick()).planLines).toEqual([]);

    fs.writeFileSync(path.join(dir, 'docs.yaml'), site());
    await h.tick();
    await h.tick();
    expect(routes.held.size).toBe(1);
    fs.writeFileSync(path.join(dir, 'other.yaml'), site().replace('name: docs', 'name: other').replace('docs.', 'o.'));
    fs.rmSync(path.join(dir, 'docs.yaml'));
    const pruned = await h.tick();
    const unroute = pruned.planLines.indexOf('- route tf-docs-static of static/docs: manifest deleted');
    const remove = pruned.planLines.indexOf('- remove static/docs#1: manifest deleted');
    expect(unroute).toBeGreaterThanOrEqual(0);
    expect(remove).toBeGreaterThan(unroute);
    expect([...routes.held.keys()]).not.toContain('tf-docs-static');
  });

  it('a recreated container is not behind the old route until the route is set to it again', async () => {
    const { h } = harness({ 'docs.yaml': site() });
    await h.tick();
    await h.tick();
    fs.writeFileSync(path.join(dir, 'docs.yaml'), site(['domain: docs.localhost', 'env: {EDITION: "2"}']));
    const recreated = await h.tick();
    expect(recreated.planLines).toEqual([expect.stringMatching(/^~ recreate static\/docs#1: /)]);
    expect(recreated.outcome.rolling).toEqual(['static/docs']);
    expect(h.state.workloads['static/docs']!.containers.map((r) => r.routeId)).toEqual([null]);
    const routed = await h.tick();
    expect(routed.planLines).toEqual(['~ route docs.localhost -> static/docs: docs.localhost to 127.0.0.1:8081']);
    expect(h.state.workloads['static/docs']!.containers.map((r) => r.routeId)).toEqual(['tf-docs-static']);
  });

  it('a deleted manifest whose containers had vanished still takes its route with it', async () => {
    const { h, routes } = harness({
      'docs.yaml': site(),
      'other.yaml': site(['domain: other.localhost']).replace('name: docs', 'name: other'),
    });
    await h.tick();
    await h.tick();
    expect([...routes.held.keys()]).toContain('tf-docs-static');
    h.mayHeal = () => false;
    for (const [id, c] of h.docker.containers) if (c.name.includes('-docs-')) h.docker.containers.delete(id);
    fs.rmSync(path.join(dir, 'docs.yaml'));
    const pruned = await h.tick();
    expect(pruned.planLines).toEqual(['- route tf-docs-static of static/docs: manifest deleted']);
    expect([...routes.held.keys()]).not.toContain('tf-docs-static');
    expect(h.state.workloads['static/docs']).toBeUndefined();
  });

  it('a service on the host network without a port it listens on gets no route: there is nothing to route to', async () => {
    const { h, routes } = harness({ 'app.yaml': STACK });
    await h.tick();
    const second = await h.tick();
    expect(second.planLines).toEqual([]);
    expect(second.outcome.rolling).toEqual([]);
    expect(routes.held.size).toBe(0);
  });

  it("finds a container's upstream: its published port, as asked or as Docker chose it, else where it listens on the host", () => {
    const desired = (ports: DesiredContainer['spec']['ports'], network = 'apps', listenPort: number | null = null) =>
      ({ spec: { ports, network }, listenPort }) as unknown as DesiredContainer;
    const owned = (published: number[]) => ({ container: { ports: published } }) as unknown as OwnedContainer;
    const tcp = { protocol: 'tcp' as const };
    expect(upstreamOf(desired([{ container: 80, host: 8088, hostIP: '127.0.0.1', ...tcp }]), owned([8088]))).toBe(
      '127.0.0.1:8088',
    );
    expect(upstreamOf(desired([{ container: 80, host: 8088, hostIP: '0.0.0.0', ...tcp }]), owned([8088]))).toBe(
      '127.0.0.1:8088',
    );
    expect(upstreamOf(desired([{ container: 80, host: null, hostIP: '127.0.0.1', ...tcp }]), owned([32768]))).toBe(
      '127.0.0.1:32768',
    );
    expect(upstreamOf(desired([{ container: 80, host: null, hostIP: '127.0.0.1', ...tcp }]), owned([]))).toBeNull();
    expect(upstreamOf(desired([], 'host', 8081), owned([]))).toBe('127.0.0.1:8081');
    expect(upstreamOf(desired([], 'host'), owned([]))).toBeNull();
    expect(upstreamOf(desired([], 'none', 8081), owned([]))).toBeNull();
  });
});
