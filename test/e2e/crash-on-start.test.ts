import { afterEach, describe, expect, it } from 'vitest';
import { E2eProject, sleeper, stack } from '../support/e2e-project.js';

describe('a program that dies as soon as it starts', () => {
  let project: E2eProject;
  afterEach(() => project.cleanup());

  it('is reported failing by run --once (exit 1), not running', async () => {
    project = new E2eProject({
      'web.yaml': sleeper('web', ['restart: "no"']).replace('command: [sleep, "3600"]', 'command: [sh, -c, "exit 3"]'),
    });
    const result = project.runOnce();
    expect(result.code, result.stdout + result.stderr).toBe(1);
    const web = project.state().workloads['image/web']!;
    expect(web.phase).toBe('Degraded');
    expect(web.containers.map((c) => c.state)).toEqual(['stopped']);
    expect(web.replicas).toEqual({ desired: 1, running: 0, updated: 0 });
  });

  it('is seen failing when it starts last, after the others of its pass (the watch of the last start)', async () => {
    const service = 'image: tinyforge-test/busybox:1, network: none, init: true';
    project = new E2eProject({
      'app.yaml': stack('app', {
        db: `${service}, command: [sleep, "3600"], replicas: 2`,
        crash: `${service}, command: [sh, -c, "exit 3"], restart: "no", dependsOn: [db]`,
      }),
    });
    const result = project.runOnce();
    expect(result.code, result.stdout + result.stderr).toBe(1);
    const app = project.state().workloads['stack/app']!;
    expect(app.phase).toBe('Degraded');
    const states = Object.fromEntries(app.containers.map((c) => [`${c.role}-${c.replica}`, c.state]));
    expect(states).toEqual({ 'db-1': 'running', 'db-2': 'running', 'crash-1': 'stopped' });
  });
});
