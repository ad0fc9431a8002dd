import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { E2eProject, sleeper } from '../support/e2e-project.js';

describe('tinyforge plan against the real engine', () => {
  let project: E2eProject;
  afterEach(() => project.cleanup());

  it('is read-only: prints the actions with causes, exits 2, writes no state and creates no key', async () => {
    project = new E2eProject({ 'web.yaml': sleeper('web', ['replicas: 2']) });
    const plan = project.cli('plan');
    expect(plan).toMatchObject({
      code: 2,
      stdout: '+ create image/web#1: new replica\n+ create image/web#2: new replica\n',
    });
    expect(fs.existsSync(path.dirname(project.stateFile))).toBe(false);
    expect(await project.names()).toEqual([]);
  });

  it('prints the same plan run applies, then exits 0 in sync', async () => {
    project = new E2eProject({ 'web.yaml': sleeper('web') });
    project.runOnce();
    project.write('web.yaml', sleeper('web', ['replicas: 2', 'env: {LEVEL: "debug"}']));
    const plan = project.cli('plan');
    expect(plan.code).toBe(2);
    const run = project.runOnce();
    expect(run.stdout.split('\n').filter((l) => /^[+~-] /.test(l))).toEqual(plan.stdout.trim().split('\n'));
    expect(project.cli('plan')).toMatchObject({ code: 0, stdout: 'in sync: nothing to do\n' });
  });

  it('exits 1 on an invalid manifest', () => {
    project = new E2eProject({ 'web.yaml': sleeper('web', ['replicas: -1']) });
    expect(project.cli('plan')).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('manifests/web.yaml:12:13: spec.replicas must be at least 0 (got -1)'),
    });
  });
});
