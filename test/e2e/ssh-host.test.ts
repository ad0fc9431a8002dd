import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/adapters/caddy-process.js';
import { DaemonProcess, eventually } from '../support/daemon-process.js';
import { E2eProject, sleeper } from '../support/e2e-project.js';
import { runCli } from '../support/run-cli.js';
import { SshServer } from '../support/ssh-server.js';

describe('DOCKER_HOST=ssh:// through a real sshd in front of the test engine', () => {
  let server: SshServer;
  let project: E2eProject;
  /** The client's environment: HOME holds its key and known_hosts; no ssh agent. */
  const over = (home: string) => ({ HOME: home, SSH_AUTH_SOCK: undefined });

  beforeAll(async () => {
    project = new E2eProject({ 'web.yaml': sleeper('web') });
    server = new SshServer(project.host);
    await server.start();
  }, 30_000);
  afterAll(async () => {
    await server?.stop();
    await project?.cleanup();
  });

  it('runs, plans and reports over ssh: the container runs on the engine behind it, with its labels', async () => {
    const run = project.cli('run', ['--once', '--docker-host', server.url], over(server.home));
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`with Docker at ${server.url}`);
    const [container] = await project.containers();
    expect(container?.State).toBe('running');
    expect(container?.Labels).toMatchObject({
      'tinyforge.workload.id': 'image/web',
      'tinyforge.controller': project.name,
    });
    expect(container?.Labels['tinyforge.signature']).toMatch(/^[0-9a-f]{64}$/);
    // DOCKER_HOST from the environment, as Kamal users set it.
    const plan = project.cli('plan', [], { DOCKER_HOST: server.url, ...over(server.home) });
    expect(plan.code, plan.stderr).toBe(0);
    const again = project.cli('run', ['--once'], { DOCKER_HOST: server.url, ...over(server.home) });
    expect(again.code, again.stderr).toBe(0);
    expect((await project.containers()).map((c) => c.Id)).toEqual([container?.Id]);
    const status = runCli(['status', 'web', '--state', project.stateFile], { cwd: project.dir });
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/web\s+Image\s+Ready/);
  });

  it('signs in through the ssh agent when SSH_AUTH_SOCK is set and no key file exists', async () => {
    const agent = await server.startAgent();
    try {
      const home = server.makeHome(path.join(server.dir, 'homes', 'agent'), {
        key: null,
        knownHosts: `${server.knownHostsLine()}\n`,
      });
      const plan = project.cli('plan', ['--docker-host', server.url], { HOME: home, SSH_AUTH_SOCK: agent.socket });
      expect(plan.code, plan.stderr).toBe(0);
    } finally {
      agent.stop();
    }
  });

  it('refuses a changed or unknown host key, a refused key, a host without docker and a closed port: exit 3, nothing changed', async () => {
    const before = (await project.containers()).map((c) => c.Id);
    expect(before).toHaveLength(1);
    project.write('web.yaml', sleeper('web', ['replicas: 2']));
    const home = (name: string, options: Parameters<SshServer['makeHome']>[1]) =>
      server.makeHome(path.join(server.dir, 'homes', name), options);
    const known = `${server.knownHostsLine()}\n`;
    const closed = `ssh://${server.user}@127.0.0.1:${await freePort()}`;
    const cases: [string, string, Record<string, string | undefined>][] = [
      [
        'HOST KEY CHANGED',
        server.url,
        over(home('changed', { key: 'accepted', knownHosts: `${server.wrongKnownHostsLine()}\n` })),
      ],
      [
        `host key ssh-ed25519 ${server.hostKeyFingerprint()} is not in ~/.ssh/known_hosts`,
        server.url,
        over(home('unknown', { key: 'accepted', knownHosts: '' })),
      ],
      [
        'authentication failed (tried ~/.ssh/id_ed25519)',
        server.url,
        over(home('refused', { key: 'refused', knownHosts: known })),
      ],
      ['no credentials', server.url, over(home('keyless', { key: null, knownHosts: known }))],
      [
        "'docker system dial-stdio' failed",
        server.url,
        over(home('nodocker', { key: 'without-docker', knownHosts: known })),
      ],
      ['ECONNREFUSED', closed, over(server.home)],
    ];
    for (const [message, url, env] of cases) {
      const run = project.cli('run', ['--once', '--docker-host', url], env);
      expect([run.code, run.stderr], message).toEqual([3, expect.stringContaining(message)]);
    }
    expect((await project.containers()).map((c) => c.Id)).toEqual(before);
  });

  it('gives up on a host that takes the connection and never speaks ssh within --docker-timeout: exit 3, no hang', async () => {
    // The kernel completes the TCP handshake even while this test process waits for the CLI.
    const silent = net.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const url = `ssh://${server.user}@127.0.0.1:${(silent.address() as net.AddressInfo).port}`;
      const started = Date.now();
      const run = project.cli('run', ['--once', '--docker-host', url, '--docker-timeout', '2s'], over(server.home));
      expect([run.code, run.stderr]).toEqual([3, expect.stringContaining('Docker did not answer within 2s')]);
      expect(Date.now() - started).toBeLessThan(15_000);
    } finally {
      silent.close();
    }
  });

  it('keeps the long-running controller on the engine over ssh: the edit applies, a killed container is back before the resync', async () => {
    // restart: "no": Docker's own restart policy cannot be what brings it back; the event stream over ssh must.
    project.write('web.yaml', sleeper('web', ['replicas: 2', 'restart: "no"']));
    const daemon = new DaemonProcess(project, ['--docker-host', server.url], over(server.home));
    try {
      const running = async () => (await project.containers()).filter((c) => c.State === 'running');
      await eventually('two replicas running', async () => (await running()).length === 2, 30_000);
      const [victim] = await running();
      await project.docker.getContainer(victim!.Id).kill();
      await eventually('the killed replica running again', async () => (await running()).length === 2, 30_000);
      expect(project.state().controller.docker).toMatchObject({ reachable: true });
    } finally {
      expect(await daemon.stop()).toBe(0);
    }
  });
});
