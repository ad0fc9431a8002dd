import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../support/caddy.js';
import { E2eProject } from '../support/e2e-project.js';
import { eventually } from '../support/eventually.js';
import { BIN, runCli } from '../support/run-cli.js';
import type { CliResult } from '../support/run-cli.js';
import { removeSwarmProject, swarmDocker } from '../support/swarm.js';

/**
 * A Project on the host network whose one stage serves `tag-<tag>` with busybox httpd on
 * 127.0.0.1:`port`, checked by fetching its page (or, `healthy: false`, by a check that
 * always fails). A version listens on a port of its own: under start-first the old task
 * keeps its port until the new one is healthy.
 */
function shop(tag: string, port: number, healthy = true): string {
  const program = `mkdir -p /tmp/www && echo tag-${tag} > /tmp/www/index.html && exec httpd -f -p 127.0.0.1:${port} -h /tmp/www`;
  const check = healthy ? `[sh, -c, "wget -q -O /dev/null http://127.0.0.1:${port}/"]` : '["false"]';
  return [
    'apiVersion: tinyforge.dev/v1',
    'kind: Project',
    'metadata: {name: shop}',
    'spec:',
    '  image: tinyforge-test/busybox',
    '  pullPolicy: Never',
    '  network: host',
    '  init: true',
    '  stopTimeout: 1s',
    `  command: [sh, -c, "${program}"]`,
    `  healthcheck: {command: ${check}, interval: 1s, retries: 2}`,
    '  rollout: {minReadySeconds: 1}',
    '  stages:',
    '    - name: production',
    `      tag: "${tag}"`,
    '',
  ].join('\n');
}

/** The page at 127.0.0.1:`port`, or null when nothing answers. */
async function page(port: number): Promise<string | null> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(2000) });
    return (await response.text()).trim();
  } catch {
    return null;
  }
}

describe('Project rollouts on a real two-node Swarm cluster', () => {
  const { docker, host } = swarmDocker();
  let project: E2eProject | undefined;
  afterEach(async () => {
    await removeSwarmProject(docker, project);
    project = undefined;
  });

  /** `run --once` in the background, so that the test can watch the page meanwhile. */
  const run = (p: E2eProject): Promise<CliResult> =>
    new Promise((resolve) => {
      const child = spawn(process.execPath, [BIN, 'run', '--once', '--backend', 'swarm', '--name', p.name], {
        cwd: p.dir,
        env: { ...process.env, DOCKER_HOST: host },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk) => (stdout += chunk));
      child.stderr.on('data', (chunk) => (stderr += chunk));
      const timer = setTimeout(() => child.kill('SIGKILL'), 240_000);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr });
      });
    });
  const service = async (p: E2eProject) =>
    (await docker.listServices({ filters: { name: [`tf-${p.name}-shop-production`] } })).find(
      (s) => s.Spec?.Name === `tf-${p.name}-shop-production`,
    );
  const ready = (p: E2eProject) => p.state().workloads['project/shop']!.conditions.find((c) => c.type === 'Ready');

  it('rolls a Project stage out start-first; a rollout Swarm rolls back is RolloutFailed, not retried, while the old task serves', async () => {
    const [one, two, three] = [await freePort(), await freePort(), await freePort()];
    project = new E2eProject({ 'shop.yaml': shop('1', one) });
    const first = await run(project);
    expect(first.code, first.stderr).toBe(0);
    expect(project.state().workloads['project/shop']).toMatchObject({ phase: 'Ready', replicas: { running: 1 } });
    const created = await service(project);
    expect(created?.Spec?.UpdateConfig).toMatchObject({ Order: 'start-first', FailureAction: 'rollback' });
    expect(created?.Spec?.Mode?.Replicated?.Replicas).toBe(1);
    expect(await page(one)).toBe('tag-1');

    // A version that never becomes healthy: Swarm rolls it back, and the old task answers all along.
    project.write('shop.yaml', shop('2', two, false));
    const failing = run(project);
    let done = false;
    const answers: (string | null)[] = [];
    void failing.then(() => (done = true));
    const watch = async () => {
      answers.push(await page(one));
      return done;
    };
    await eventually('the failed rollout to end', watch, 240_000, 250);
    const failed = await failing;
    expect(failed.code, failed.stderr).toBe(1);
    expect(answers.length).toBeGreaterThan(4);
    expect(answers.filter((a) => a !== 'tag-1')).toEqual([]);
    expect(project.state().workloads['project/shop']!.phase).toBe('Degraded');
    expect(ready(project)).toMatchObject({ status: 'False', reason: 'RolloutFailed' });
    expect(ready(project)?.message).toMatch(/^production: rolled back: update rolled back due to failure/);
    // Swarm's words name the failed task; its own error says why it failed.
    expect(ready(project)?.message).toContain('unhealthy container');
    const rolledBack = await service(project);
    expect(rolledBack?.UpdateStatus?.State).toBe('rollback_completed');
    expect(rolledBack?.Spec?.Labels?.['tinyforge.spec-hash']).toBe(created?.Spec?.Labels?.['tinyforge.spec-hash']);

    const again = await run(project);
    expect(again.code).toBe(1);
    expect(again.stdout).not.toMatch(/^[+~-] /m);
    expect((await service(project))?.Version?.Index).toBe(rolledBack?.Version?.Index);
    expect(ready(project)).toMatchObject({ reason: 'RolloutFailed' });
    // `wait` takes a rolled-back spec as given up: it ends at once.
    const waited = runCli(['wait', 'shop', '--timeout', '60s', '--name', project.name], { cwd: project.dir });
    expect(waited.code).toBe(1);
    expect(waited.stderr).toContain('not Ready: Degraded: production: rolled back');

    // A good change rolls out: the new task serves before the old one goes.
    project.write('shop.yaml', shop('2', three));
    const good = await run(project);
    expect(good.code, good.stderr).toBe(0);
    expect(project.state().workloads['project/shop']).toMatchObject({
      phase: 'Ready',
      rollouts: { production: { phase: 'Complete', failedSpecHash: null } },
    });
    expect(await page(three)).toBe('tag-2');
    expect(project.state().workloads['project/shop']!.containers).toEqual([
      expect.objectContaining({
        id: 'project/shop:production:1',
        state: 'running',
        stage: 'production',
        imageTag: '2',
      }),
    ]);
  }, 600_000);
});
