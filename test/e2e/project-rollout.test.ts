import { afterEach, describe, expect, it } from 'vitest';
import type { ControllerState } from '../../src/api/state-types.js';
import { CaddyProcess, freePort, getVia } from '../support/caddy.js';
import { DaemonProcess, eventually, finishDaemonTest } from '../support/daemon-process.js';
import { E2eProject, sleeper } from '../support/e2e-project.js';
import { projectManifest } from '../support/fixture-dir.js';

/**
 * A Project serving HTTP with busybox httpd on network host, on 127.0.0.1:$PORT (the
 * slot's own port), with a healthcheck that fetches its page. `serve: false` gives a
 * version that never listens, so it never becomes healthy.
 */
function shop(tag: string, options: { serve?: boolean; healthTimeout?: string } = {}): string {
  // The page says which tag serves it.
  const program =
    options.serve === false
      ? 'exec sleep 3600'
      : `mkdir -p /tmp/www && echo tag-${tag} > /tmp/www/index.html && exec httpd -f -p 127.0.0.1:$PORT -h /tmp/www`;
  return projectManifest(tag, [
    'pullPolicy: Never',
    'stopTimeout: 1s',
    `command: [sh, -c, "${program}"]`,
    'healthcheck: {command: [sh, -c, "wget -q -O /dev/null http://127.0.0.1:$PORT/"], interval: 1s, retries: 1}',
    `rollout: {healthTimeout: ${options.healthTimeout ?? '20s'}}`,
  ]);
}

/** The page the stage serves, through the port its row records. */
async function page(state: ControllerState): Promise<string> {
  const row = state.workloads['project/shop']!.containers.find((r) => r.routeId !== null)!;
  const response = await fetch(`http://127.0.0.1:${row.ports[0]}/`, { signal: AbortSignal.timeout(2000) });
  return response.text();
}

describe('Project blue-green rollouts against the real engine', () => {
  let project: E2eProject;
  let caddy: CaddyProcess | undefined;
  let daemon: DaemonProcess | undefined;
  afterEach(async () => {
    await caddy?.stop();
    caddy = undefined;
    await finishDaemonTest(daemon, project);
    daemon = undefined;
  });

  it('deploys, rolls a new tag out to the other slot once it is healthy, and removes the old slot', async () => {
    project = new E2eProject({ 'shop.yaml': shop('1') });
    const first = project.runOnce(['--port-range', '27000-27099']);
    expect(first.code, first.stderr).toBe(0);
    let state = project.state();
    const blue = state.workloads['project/shop']!;
    expect(blue).toMatchObject({ phase: 'Ready', replicas: { desired: 1, running: 1, updated: 1 } });
    expect(blue.containers).toEqual([
      expect.objectContaining({
        id: 'project/shop:production:1:blue',
        state: 'running',
        health: 'healthy',
        slot: 'blue',
        stage: 'production',
        imageTag: '1',
        domain: 'shop.localhost',
        routeId: expect.any(String),
        ports: [27000],
      }),
    ]);
    expect(await page(state)).toBe('tag-1\n');
    const [blueContainer] = await project.containers();
    expect(blueContainer!.Labels).toMatchObject({
      'tinyforge.slot': 'blue',
      'tinyforge.role': 'production',
      'tinyforge.workload.kind': 'project',
    });

    const since = Math.floor(Date.now() / 1000);
    project.write('shop.yaml', shop('2'));
    const rolled = project.runOnce(['--port-range', '27000-27099']);
    expect(rolled.code, rolled.stderr).toBe(0);
    expect(rolled.stdout).toContain(
      '+ create project/shop:production#1 (green): rollout to green: image tinyforge-test/busybox:1 -> tinyforge-test/busybox:2',
    );
    expect(rolled.stdout).toContain('- remove project/shop:production#1 (blue): rolled out to green');
    state = project.state();
    expect(state.workloads['project/shop']!.containers).toEqual([
      expect.objectContaining({
        id: 'project/shop:production:1:green',
        slot: 'green',
        imageTag: '2',
        health: 'healthy',
        ports: [27001],
      }),
    ]);
    expect(await page(state)).toBe('tag-2\n');
    const containers = await project.containers();
    expect(containers.map((c) => [c.Labels['tinyforge.slot'], c.Image])).toEqual([
      ['green', 'tinyforge-test/busybox:2'],
    ]);

    // The old slot went only after the new one was healthy: Docker's own event order.
    const events = await project.events(since, ['health_status: healthy', 'destroy']);
    const greenHealthy = events.findIndex((e) => e.action === 'health_status: healthy' && e.id === containers[0]!.Id);
    const blueGone = events.findIndex((e) => e.action === 'destroy' && e.id === blueContainer!.Id);
    expect(greenHealthy).toBeGreaterThanOrEqual(0);
    expect(blueGone).toBeGreaterThan(greenHealthy);
  });

  it('rolls back a new version that never becomes healthy: the old slot keeps serving, run --once exits 1', async () => {
    project = new E2eProject({ 'shop.yaml': shop('1') });
    expect(project.runOnce(['--port-range', '27100-27199']).code).toBe(0);
    const [blue] = await project.containers();

    project.write('shop.yaml', shop('2', { serve: false, healthTimeout: '3s' }));
    const failed = project.runOnce(['--port-range', '27100-27199']);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain('- remove project/shop:production#1 (green): rollout failed: not healthy in time');
    expect(failed.stderr).toMatch(
      /project\/shop Degraded: production: rollout of 2 to green failed: 0\/1 healthy after 3s; rolled back to blue/,
    );
    expect((await project.containers()).map((c) => c.Id)).toEqual([blue!.Id]);
    const state = project.state();
    const status = state.workloads['project/shop']!;
    expect(status.phase).toBe('Degraded');
    expect(status.conditions[0]).toMatchObject({ type: 'Ready', status: 'False', reason: 'RolloutFailed' });
    expect(await page(state)).toBe('tag-1\n');

    // The failed spec is not tried again until it changes.
    const again = project.runOnce(['--port-range', '27100-27199']);
    expect(again.stdout).not.toContain('+ create');
    expect((await project.containers()).map((c) => c.Id)).toEqual([blue!.Id]);
  });

  it('keeps the route in a real Caddy: the domain reaches the serving slot through a rollout, and goes with the manifest', async () => {
    caddy = new CaddyProcess();
    await caddy.start();
    const listen = await freePort();
    const flags = [
      '--port-range',
      '27200-27299',
      '--routes',
      'caddy',
      '--caddy-admin',
      caddy.admin,
      '--caddy-listen',
      `127.0.0.1:${listen}`,
    ];
    project = new E2eProject({ 'shop.yaml': shop('1') });
    const first = project.runOnce(flags);
    expect(first.code, first.stderr).toBe(0);
    expect(await getVia(listen, 'shop.localhost')).toEqual({ status: 200, body: 'tag-1\n' });
    const routeId = project.state().workloads['project/shop']!.containers[0]!.routeId!;
    expect(JSON.parse((await caddy.adminGet(`/id/${routeId}`)).body)).toMatchObject({
      match: [{ host: ['shop.localhost'] }],
      handle: [{ handler: 'reverse_proxy', upstreams: [{ dial: '127.0.0.1:27200' }] }],
    });

    project.write('shop.yaml', shop('2'));
    const rolled = project.runOnce(flags);
    expect(rolled.code, rolled.stderr).toBe(0);
    expect(await getVia(listen, 'shop.localhost')).toEqual({ status: 200, body: 'tag-2\n' });
    const routes = JSON.parse((await caddy.adminGet('/config/apps/http/servers/tinyforge/routes')).body) as unknown[];
    expect(routes).toHaveLength(1);

    // Caddy restarts with an empty configuration: the next pass sets the route again.
    await caddy.restart();
    await expect(getVia(listen, 'shop.localhost')).rejects.toThrow();
    const again = project.runOnce(flags);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain(
      '~ route shop.localhost -> project/shop:production (green): the proxy does not hold it',
    );
    expect(await getVia(listen, 'shop.localhost')).toEqual({ status: 200, body: 'tag-2\n' });

    project.remove('shop.yaml');
    project.write('other.yaml', sleeper('other'));
    const pruned = project.runOnce(flags);
    expect(pruned.code, pruned.stderr).toBe(0);
    expect(pruned.stdout).toContain(`- route ${routeId} of project/shop: manifest deleted`);
    expect((await caddy.adminGet(`/id/${routeId}`)).status).toBe(404);
  });

  it('rolls out in the long-running controller: a saved tag change ends with the new slot serving and the old one gone', async () => {
    project = new E2eProject({ 'shop.yaml': shop('1') });
    daemon = new DaemonProcess(project, ['--port-range', '27300-27399']);
    const serving = () => {
      try {
        const rows = project.state().workloads['project/shop']?.containers ?? [];
        return rows.length === 1 && rows[0]!.routeId !== null ? rows[0]! : undefined;
      } catch {
        return undefined;
      }
    };
    await eventually('blue serving', () => serving()?.slot === 'blue', 20_000, 100);
    expect(await page(project.state())).toBe('tag-1\n');

    project.write('shop.yaml', shop('2'));
    await eventually('green serving, blue gone', () => serving()?.slot === 'green', 20_000, 100);
    expect(await page(project.state())).toBe('tag-2\n');
    expect((await project.containers()).map((c) => c.Labels['tinyforge.slot'])).toEqual(['green']);
    expect(project.state().workloads['project/shop']).toMatchObject({
      phase: 'Ready',
      generation: 2,
      observedGeneration: 2,
    });
    expect(daemon.stdout).toContain('- remove project/shop:production#1 (blue): rolled out to green');
  });
});
