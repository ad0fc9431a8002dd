import { afterEach, describe, expect, it } from 'vitest';
import { CliProcess } from '../support/cli-process.js';
import { E2eProject, sleeper } from '../support/e2e-project.js';
import { eventually } from '../support/eventually.js';
import { runCli } from '../support/run-cli.js';

/** Says hello on stdout, oops on stderr, `later` two seconds on, then ticks every second. */
const TALKER = `command: [sh, -c, 'echo hello; echo oops >&2; sleep 2; echo later; i=0; while sleep 1; do i=$((i+1)); echo tick $i; done']`;

function talker(extra: string[] = []): string {
  return sleeper('web', ['replicas: 2', ...extra]).replace('command: [sleep, "3600"]', TALKER);
}

describe('logs, describe and events against the real engine', () => {
  let project: E2eProject;
  let processes: CliProcess[] = [];
  afterEach(async () => {
    for (const p of processes) await p.stop();
    processes = [];
    await project.cleanup();
  });

  /** `tinyforge <args>` in the project (`logs` takes the controller's name from the state file). */
  const cli = (...args: string[]) => runCli(args, { cwd: project.dir, env: { DOCKER_HOST: project.host } });
  const follow = (...args: string[]) => {
    const p = new CliProcess(project, args);
    processes.push(p);
    return p;
  };

  it('logs: every container prefixed, stderr merged, one replica bare, --tail, --since; exit 1 for no such workload', async () => {
    project = new E2eProject({ 'web.yaml': talker() });
    expect(project.runOnce().code).toBe(0);
    await eventually(
      'both replicas to say later',
      () => cli('logs', 'web').stdout.split('later').length === 3,
      20_000,
      200,
    );
    const all = cli('logs', 'web');
    expect(all.code, all.stderr).toBe(0);
    const lines = all.stdout.split('\n').filter((l) => !l.includes('| tick'));
    expect(lines.filter(Boolean).sort()).toEqual(
      [
        'image-1 | hello',
        'image-1 | later',
        'image-1 | oops',
        'image-2 | hello',
        'image-2 | later',
        'image-2 | oops',
      ].sort(),
    );
    // In time order: each replica's later comes after its hello.
    expect(lines.indexOf('image-1 | later')).toBeGreaterThan(lines.indexOf('image-1 | hello'));

    const one = cli('logs', 'image/web', '--replica', '2', '--tail', '3', '-t');
    expect(one.code, one.stderr).toBe(0);
    const stamped = one.stdout.trimEnd().split('\n');
    expect(stamped).toHaveLength(3);
    expect(stamped.every((l) => /^\d{4}-\d\d-\d\dT[\d:.]+Z (hello|oops|later|tick \d+)$/.test(l))).toBe(true);

    const withTimes = cli('logs', 'web', '--replica', '1', '-t').stdout.split('\n');
    const laterAt = withTimes.find((l) => l.endsWith(' later'))!.split(' ')[0]!;
    const since = cli('logs', 'web', '--replica', '1', '--since', laterAt).stdout.split('\n').filter(Boolean);
    expect(since[0]).toBe('later');
    expect(since).not.toContain('hello');
    // stdout and stderr reach Docker through pipes of their own: hello and oops may come in either order.
    expect(cli('logs', 'web', '--replica', '1', '--since', '1h').stdout).toMatch(/^(hello\noops|oops\nhello)\nlater\n/);

    const missing = cli('logs', 'nope');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no workload "nope"');
  });

  it('logs -f prints lines printed after it started and of a container that replaced one, and ends on Ctrl-C with exit 0', async () => {
    project = new E2eProject({ 'web.yaml': talker() });
    expect(project.runOnce().code).toBe(0);
    const following = follow('logs', 'web', '-f', '--replica', '1', '--tail', '0');
    await eventually(
      'a tick printed after the start',
      () => following.lines().some((l) => /^tick \d+$/.test(l)),
      20_000,
      100,
    );
    project.write('web.yaml', talker(['env: {ROUND: "two"}']));
    expect(project.runOnce().code).toBe(0);
    await eventually('the new container says hello', () => following.lines().includes('hello'), 20_000, 100);
    expect(await following.interrupt()).toBe(0);
    expect(following.stderr).toBe('');
    // Its reader gone (`| head -1`), it stops following at its next line.
    const headed = follow('logs', 'web', '-f', '--replica', '1', '--tail', '1');
    await eventually('a first line', () => headed.lines().length > 0, 20_000, 100);
    headed.child.stdout!.destroy();
    const timeout = new Promise((resolve) => setTimeout(() => resolve('still following after 15s'), 15_000));
    expect(await Promise.race([headed.exited, timeout])).toBe(0);
  });

  it('describe names why a crashing workload is Degraded; events -f prints a new event, then ends on Ctrl-C', async () => {
    project = new E2eProject({
      'web.yaml': sleeper('web', ['restart: "no"']).replace('command: [sleep, "3600"]', 'command: [sh, -c, "exit 3"]'),
    });
    expect(project.runOnce().code).toBe(1);
    const described = cli('describe', 'web');
    expect(described.code, described.stderr).toBe(0);
    const ready = project.state().workloads['image/web']!.conditions.find((c) => c.type === 'Ready')!;
    expect(described.stdout).toMatch(/^Phase: +Degraded$/m);
    expect(described.stdout).toMatch(new RegExp(`^ {2}Ready +False +${ready.reason} +`, 'm'));
    expect(described.stdout).toMatch(/^ {4}Command: +sh -c "exit 3"$/m);
    expect(described.stdout).toMatch(/^ {2}image-1 +\S+ +stopped /m);
    expect(cli('describe', 'nope').code).toBe(1);

    const before = project.state().events.length;
    const events = follow('events', '-f', '-o', 'json');
    await eventually('the events so far', () => events.lines().length === before, 20_000, 100);
    project.write('api.yaml', sleeper('api'));
    expect(project.runOnce().code).toBe(1);
    await eventually(
      'the new event',
      () => events.lines().some((l) => JSON.parse(l).workload === 'image/api'),
      20_000,
      100,
    );
    expect(await events.interrupt()).toBe(0);
    const printed = events.lines().map((l) => JSON.parse(l) as { at: string; reason: string; message: string });
    expect(new Set(printed.map((e) => JSON.stringify(e))).size).toBe(printed.length);
  });
});
