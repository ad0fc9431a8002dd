import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { DaemonProcess, eventually, finishDaemonTest } from '../support/daemon-process.js';
import { E2eProject, sleeper } from '../support/e2e-project.js';
import { sample } from '../support/metric-sample.js';

/** `promtool check metrics` (Debian's prometheus package) on `text`: its exit code and all it printed. */
function promtool(text: string): { status: number | null; printed: string } {
  const run = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8', timeout: 60_000 });
  if (run.error) throw run.error;
  return { status: run.status, printed: `${run.stdout}${run.stderr}` };
}

describe('/metrics of the running controller against the real engine', () => {
  let project: E2eProject;
  let daemon: DaemonProcess | undefined;
  afterEach(() => finishDaemonTest(daemon, project).finally(() => (daemon = undefined)));

  it('passes promtool check metrics, with the create timed and counted and a restart counted', async () => {
    // restart: "no", so that the restart is self-heal's and not Docker's own policy.
    project = new E2eProject({ 'web.yaml': sleeper('web', ['restart: "no"']) });
    const port = 20000 + Math.floor(Math.random() * 9000);
    daemon = new DaemonProcess(project, ['--health-addr', `127.0.0.1:${port}`]);
    const get = () => fetch(`http://127.0.0.1:${port}/metrics`).catch(() => undefined);
    const metrics = async () => (await (await get())?.text()) ?? '';
    const counted = (text: string, series: string) => sample(text, series) === 1;
    await eventually(
      'the create counted',
      async () => counted(await metrics(), 'tinyforge_actions_total{action="create",outcome="ok"}'),
      20_000,
      100,
    );

    const [web] = await project.containers();
    await project.docker.getContainer(web!.Id).kill();
    await eventually(
      'the restart counted, web ready again',
      async () => {
        const text = await metrics();
        return counted(text, 'tinyforge_restarts_total') && counted(text, 'tinyforge_workloads{phase="Ready"}');
      },
      20_000,
    );

    const text = await metrics();
    expect(promtool(text)).toEqual({ status: 0, printed: '' });
    expect((await get())?.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(sample(text, 'tinyforge_docker_call_duration_seconds_count{operation="create"}')).toBe(1);
    expect(sample(text, 'tinyforge_docker_call_duration_seconds_sum{operation="create"}')).toBeGreaterThan(0);
    expect(sample(text, 'tinyforge_docker_call_duration_seconds_count{operation="start"}')).toBe(2);
    expect(sample(text, 'tinyforge_actions_total{action="start",outcome="ok"}')).toBe(1);
    expect(sample(text, 'tinyforge_actions_total{action="create",outcome="failed"}')).toBeUndefined();
    expect(sample(text, 'tinyforge_reconcile_duration_seconds_count{scope="full"}')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'tinyforge_workloads{phase="Failed"}')).toBe(0);
    expect(sample(text, 'process_resident_memory_bytes')).toBeGreaterThan(10 * 2 ** 20);
  });

  it('promtool names a lint problem and exits 3: the check above can fail', () => {
    const { status, printed } = promtool('# HELP up_total Up.\n# TYPE up_total gauge\nup_total 1\n');
    expect(status).toBe(3);
    expect(printed).toContain('non-counter metrics should not have "_total" suffix');
  });
});
