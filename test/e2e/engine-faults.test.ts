import { spawn } from 'node:child_process';
import net from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ControllerState } from '../../src/api/state-types.js';
import { DockerFaultProxy } from '../support/docker-fault-proxy.js';
import type { Fault } from '../support/docker-fault-proxy.js';
import { E2eProject, sleeper } from '../support/e2e-project.js';
import { DaemonProcess, eventually } from '../support/daemon-process.js';
import { BIN } from '../support/run-cli.js';

/** `tinyforge run --once` through the proxy, in a child process: this process must stay free to proxy. */
function runOnce(
  project: E2eProject,
  proxy: DockerFaultProxy,
  args: string[] = [],
): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  const started = Date.now();
  const child = spawn(
    process.execPath,
    [BIN, 'run', '--once', '--name', project.name, '--docker-host', proxy.host, ...args],
    { cwd: project.dir },
  );
  let [stdout, stderr] = ['', ''];
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: Date.now() - started })),
  );
}

const phase = (state: ControllerState, id: string) => state.workloads[id]?.phase;

describe('engine faults injected between tinyforge and the real engine', () => {
  let project: E2eProject;
  let proxy: DockerFaultProxy;
  beforeEach(async () => {
    project = new E2eProject({ 'keep.yaml': sleeper('keep') });
    proxy = await DockerFaultProxy.start(project.host);
  });
  afterEach(async () => {
    await proxy.close();
    await project.cleanup();
  });

  /** This test's containers: name -> id. */
  async function ids(): Promise<Record<string, string>> {
    return Object.fromEntries((await project.containers()).map((c) => [c.Names[0]!.slice(1), c.Id]));
  }

  it('a list failing after the pass acted: nothing swept, rows kept, the next run converges', async () => {
    expect((await runOnce(project, proxy)).code).toBe(0);
    const [keep] = Object.values(await ids());
    project.write('web.yaml', sleeper('web'));
    // The pass's first list answers; the one after creating web (the settle) fails.
    proxy.add({
      method: 'GET',
      path: '/containers/json',
      occurrence: { nth: 2 },
      fault: { status: 500, message: 'boom' },
    });
    const faulted = await runOnce(project, proxy);
    expect(faulted.code, faulted.stderr).toBe(3);
    expect(faulted.stderr).toContain('tinyforge: Docker is unreachable: list containers: boom');
    const state = project.state();
    expect(state.controller.docker).toMatchObject({ reachable: false, lastError: 'list containers: boom' });
    expect(state.workloads['image/keep']?.containers.map((c) => [c.containerId, c.state])).toEqual([[keep, 'running']]);
    const web = state.workloads['image/web']?.containers ?? [];
    expect(web.map((c) => c.state)).not.toContain('missing');
    const created = Object.entries(await ids());
    expect(created.map(([, id]) => id)).toContain(keep);
    expect(created).toHaveLength(2);

    proxy.clear();
    const next = await runOnce(project, proxy);
    expect(next.code, next.stderr).toBe(0);
    expect(Object.entries(await ids())).toEqual(created);
    expect([phase(project.state(), 'image/keep'), phase(project.state(), 'image/web')]).toEqual(['Ready', 'Ready']);
  });

  const callFaults: { what: string; path: string; fault: Fault; says: string }[] = [
    {
      what: 'a create answered 500',
      path: '/containers/create',
      fault: { status: 500, message: 'no create today' },
      says: 'no create today',
    },
    {
      what: 'a start answered 500',
      path: '/containers/*/start',
      fault: { status: 500, message: 'no start today' },
      says: 'no start today',
    },
    { what: 'a start whose connection drops', path: '/containers/*/start', fault: { drop: true }, says: 'ECONNRESET' },
  ];
  for (const { what, path, fault, says } of callFaults)
    it(`${what}: that workload Failed saying why, the others converge, the next run too`, async () => {
      expect((await runOnce(project, proxy)).code).toBe(0);
      const [keep] = Object.values(await ids());
      project.write('good.yaml', sleeper('good'));
      project.write('bad.yaml', sleeper('bad'));
      proxy.add({ method: 'POST', path, container: '-bad-image-', fault });
      const faulted = await runOnce(project, proxy);
      expect(faulted.code, faulted.stderr).toBe(1);
      const state = project.state();
      expect(phase(state, 'image/bad')).toBe('Failed');
      expect(state.workloads['image/bad']?.lastError).toContain(says);
      const warnings = state.events.filter((e) => e.workload === 'image/bad' && e.type === 'Warning');
      expect(warnings.map((e) => e.message).join('\n')).toContain(says);
      expect(faulted.stderr).toContain(says);
      expect([phase(state, 'image/keep'), phase(state, 'image/good')]).toEqual(['Ready', 'Ready']);
      expect(state.controller.docker.reachable).toBe(true);
      expect(Object.values(await ids())).toContain(keep);

      proxy.clear();
      const next = await runOnce(project, proxy);
      expect(next.code, next.stderr).toBe(0);
      expect(phase(project.state(), 'image/bad')).toBe('Ready');
      expect(Object.keys(await ids())).toHaveLength(3);
      expect(Object.values(await ids())).toContain(keep);
    });

  it('a remove answered 409: the container stays, the workload says why, the next run removes it', async () => {
    project.write('web.yaml', sleeper('web', ['replicas: 2']));
    expect((await runOnce(project, proxy)).code).toBe(0);
    const before = await ids();
    project.write('web.yaml', sleeper('web', ['replicas: 1']));
    const message = 'You cannot remove a running container: stop the container before attempting removal';
    proxy.add({ method: 'DELETE', path: '/containers/*', container: '-web-image-2-', fault: { status: 409, message } });
    const faulted = await runOnce(project, proxy);
    expect(faulted.code, faulted.stderr).toBe(1);
    expect(project.state().workloads['image/web']?.lastError).toContain(message);
    expect(Object.keys(await ids())).toEqual(Object.keys(before));

    proxy.clear();
    const next = await runOnce(project, proxy);
    expect(next.code, next.stderr).toBe(0);
    const after = await ids();
    expect(Object.keys(after).filter((n) => n.includes('-web-image-2-'))).toEqual([]);
    expect(Object.values(after)).toHaveLength(2);
  });

  it('a remove answered 404 (the container went meanwhile) counts as removed', async () => {
    project.write('web.yaml', sleeper('web', ['replicas: 2']));
    expect((await runOnce(project, proxy)).code).toBe(0);
    const victim = Object.entries(await ids()).find(([n]) => n.includes('-web-image-2-'))![1];
    project.write('web.yaml', sleeper('web', ['replicas: 1']));
    proxy.add({ method: 'DELETE', path: '/containers/*', container: '-web-image-2-', fault: { delayMs: 3000 } });
    const running = runOnce(project, proxy);
    // Someone else removes it while tinyforge's remove is on its way: the engine answers 404.
    await eventually('the remove to arrive', () => proxy.seen('DELETE', '/containers/*').length > 0, 20_000);
    await project.docker.getContainer(victim).remove({ force: true });
    const faulted = await running;
    expect(faulted.code, faulted.stderr).toBe(0);
    const state = project.state();
    expect(phase(state, 'image/web')).toBe('Ready');
    expect(state.workloads['image/web']?.lastError).toBeNull();
    expect(Object.keys(await ids())).toHaveLength(2);
  });

  it('a stop that hangs past --docker-timeout: the pass ends in bounded time and says so, the rest converges', async () => {
    project.write('web.yaml', sleeper('web', ['env: {V: "1"}']));
    expect((await runOnce(project, proxy)).code).toBe(0);
    const before = await ids();
    project.write('web.yaml', sleeper('web', ['env: {V: "2"}']));
    project.write('other.yaml', sleeper('other'));
    proxy.add({ method: 'POST', path: '/containers/*/stop', fault: { hang: true } });
    const faulted = await runOnce(project, proxy, ['--docker-timeout', '2s']);
    // The stop's deadline is the call's 2 s plus the 2 s grace period; a generous bound on the whole pass.
    expect(faulted.ms).toBeLessThan(30_000);
    expect(faulted.code, faulted.stderr).toBe(1);
    expect(faulted.stderr).toMatch(/image\/web Degraded: Docker did not answer within 4s \(stop [0-9a-f]{12}\)/);
    const state = project.state();
    expect(state.workloads['image/web']?.lastError).toMatch(/^Docker did not answer within 4s \(stop/);
    expect([phase(state, 'image/keep'), phase(state, 'image/other')]).toEqual(['Ready', 'Ready']);
    const running = await ids();
    for (const [name, id] of Object.entries(before)) expect(running[name]).toBe(id);

    proxy.clear();
    const next = await runOnce(project, proxy);
    expect(next.code, next.stderr).toBe(0);
    expect(phase(project.state(), 'image/web')).toBe('Ready');
    expect(Object.keys(await ids())).toHaveLength(3);
  });

  it('the event stream silently stalled under a running controller: noticed, reported, reconnected', async () => {
    const port = await freePort();
    const daemon = new DaemonProcess(project, [
      ...['--docker-host', proxy.host, '--event-silence', '2s', '--health-addr', `127.0.0.1:${port}`],
    ]);
    const readyz = async () => (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined))?.status;
    const keepRunning = async (not?: string) =>
      (await project.containers()).some((c) => c.State === 'running' && c.Id !== not);
    try {
      await eventually('keep ready', async () => (await readyz()) === 200 && (await keepRunning()), 20_000, 100);
      // The stream stays open and says nothing more; new calls (the reconnect too) are slowed, not refused.
      expect(proxy.silenceOpen('GET', '/events')).toBe(1);
      proxy.add({ method: 'GET', path: '/events', fault: { delayMs: 2000 } });
      const [keep] = await project.containers();
      await project.docker.getContainer(keep!.Id).remove({ force: true });
      await eventually('the stall noticed', () => daemon.stderr.includes('Docker event stream stalled'), 20_000, 50);
      expect(daemon.stderr).toMatch(
        /Docker event stream stalled: nothing for \d+s while the engine had \d+ events? for this controller; reconnecting/,
      );
      await eventually('not ready while the stream is down', async () => (await readyz()) === 503, 5_000, 50);
      await eventually('reconnected', () => daemon.stderr.includes('Docker event stream reconnected'), 20_000, 50);
      // The relist after reconnecting heals keep, long before the 60 s resync.
      await eventually(
        'keep healed, ready again',
        async () => (await readyz()) === 200 && (await keepRunning(keep!.Id)),
        20_000,
        100,
      );

      // The new stream works: a container removed now comes back through its event.
      proxy.clear();
      const [again] = await project.containers();
      await project.docker.getContainer(again!.Id).remove({ force: true });
      await eventually('keep healed through the new stream', () => keepRunning(again!.Id), 10_000, 100);
      expect(daemon.stderr.match(/event stream stalled/g)).toHaveLength(1);
    } finally {
      expect(await daemon.stop()).toBe(0);
    }
  });
});

/** A port on 127.0.0.1 free right now. */
async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
