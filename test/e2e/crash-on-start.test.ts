import { afterEach, describe, expect, it } from 'vitest';
import { E2eProject, sleeper } from '../support/e2e-project.js';

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
});
