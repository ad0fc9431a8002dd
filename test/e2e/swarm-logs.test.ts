import { afterEach, describe, expect, it } from 'vitest';
import { CliProcess } from '../support/cli-process.js';
import { E2eProject } from '../support/e2e-project.js';
import { eventually } from '../support/eventually.js';
import { runCli } from '../support/run-cli.js';
import { hostSleeper, removeSwarmProject, swarmDocker } from '../support/swarm.js';

/** Says hello on stdout, oops on stderr, then ticks every second. */
const TALKER = `command: [sh, -c, 'echo hello; echo oops >&2; i=0; while sleep 1; do i=$((i+1)); echo tick $i; done']`;

function talker(extra: string[] = []): string {
  return hostSleeper(['replicas: 2', ...extra]).replace('command: [sleep, "3600"]', TALKER);
}

describe('logs of a workload run as Swarm services, on the real two-node cluster', () => {
  const { docker, host } = swarmDocker();
  let project: E2eProject | undefined;
  let following: CliProcess | undefined;
  afterEach(async () => {
    await following?.stop();
    following = undefined;
    await removeSwarmProject(docker, project);
    project = undefined;
  });

  const cli = (p: E2eProject, ...args: string[]) =>
    runCli(args, { cwd: p.dir, env: { DOCKER_HOST: host }, timeoutMs: 90_000 });

  it('prints both replicas prefixed, one with --replica, follows until Ctrl-C (exit 0); refuses a non-manager', async () => {
    project = new E2eProject({
      'web.yaml': talker(),
    });
    const p = project;
    const ran = cli(p, 'run', '--once', '--backend', 'swarm', '--name', p.name);
    expect(ran.code, ran.stderr).toBe(0);
    await eventually(
      'both replicas to tick',
      () => ['image-1 | tick', 'image-2 | tick'].every((t) => cli(p, 'logs', 'web').stdout.includes(t)),
      60_000,
      500,
    );
    // A service that claims the workload with a signature that does not verify is not read.
    const owned = (await docker.listServices({ filters: { label: [`tinyforge.controller=${p.name}`] } }))[0]!;
    const labels = { ...owned.Spec!.Labels, 'tinyforge.signature': '0'.repeat(64) };
    const forged = await docker.createService({
      Name: `tf-${p.name}-forged`,
      Labels: labels,
      TaskTemplate: {
        ContainerSpec: { Image: 'tinyforge-test/busybox:1', Command: ['sh', '-c', 'echo forged; sleep 3600'] },
        Networks: [{ Target: 'host' }],
      },
      Mode: { Replicated: { Replicas: 1 } },
    } as object);
    await eventually(
      'the forged service to print',
      async () => String(await docker.getService(forged.id).logs({ stdout: true })).includes('forged'),
      60_000,
      500,
    );
    const all = cli(p, 'logs', 'web');
    expect(all.code, all.stderr).toBe(0);
    const greetings = all.stdout.split('\n').filter((l) => !l.includes('| tick') && l !== '');
    expect(greetings.sort()).toEqual(['image-1 | hello', 'image-1 | oops', 'image-2 | hello', 'image-2 | oops']);
    expect(
      all.stdout
        .split('\n')
        .filter(Boolean)
        .every((l) => /^image-[12] \| (hello|oops|tick \d+)$/.test(l)),
    ).toBe(true);

    const one = cli(p, 'logs', 'image/web', '--replica', '2', '--tail', '2', '-t');
    expect(one.code, one.stderr).toBe(0);
    const stamped = one.stdout.trimEnd().split('\n');
    expect(stamped).toHaveLength(2);
    expect(stamped.every((l) => /^\d{4}-\d\d-\d\dT[\d:.]+Z (hello|oops|tick \d+)$/.test(l))).toBe(true);

    following = new CliProcess(p, ['logs', 'web', '-f', '--tail', '0', '--docker-host', host]);
    const f = following;
    await eventually(
      'a tick of each replica printed after the start',
      () => {
        const lines = f.lines();
        return [1, 2].every((n) => lines.some((l) => new RegExp(`^image-${n} \\| tick \\d+$`).test(l)));
      },
      30_000,
      200,
    );
    expect(f.lines().some((l) => /hello|oops/.test(l))).toBe(false);
    // An update replaces the tasks: the new ones are followed from their first line.
    p.write('web.yaml', talker(['env: {ROUND: "two"}']));
    expect(cli(p, 'run', '--once', '--backend', 'swarm', '--name', p.name).code).toBe(0);
    await eventually(
      'the new tasks say hello',
      () => ['image-1 | hello', 'image-2 | hello'].every((l) => f.lines().includes(l)),
      60_000,
      200,
    );
    expect(await f.interrupt()).toBe(0);
    expect(f.stderr).toBe('');

    expect(cli(p, 'logs', 'nope').code).toBe(1);
    const unreachable = cli(p, 'logs', 'web', '--docker-host', 'unix:///tmp/tinyforge-no-engine.sock');
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(/^tinyforge: .*unix:\/\/\/tmp\/tinyforge-no-engine\.sock/);
    // Node B of the test cluster (test/support/swarm.sh) is a worker: it serves no service logs.
    const worker = host.replace(/\/a\/docker\.sock$/, '/b/docker.sock');
    expect(worker).not.toBe(host);
    const refused = cli(p, 'logs', 'web', '--docker-host', worker);
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim()).toBe(
      `tinyforge: the engine at ${worker} is not a Swarm manager: service logs are read through a manager`,
    );
  });
});
