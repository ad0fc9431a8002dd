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
      stdout:
        '+ create image/web#1: new replica\n+ create image/web#2: new replica\n\n2 to create, 0 to recreate, 0 to remove\n',
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
    const actionLines = (text: string) => text.split('\n').filter((l) => /^([+~-] | {4})/.test(l));
    expect(actionLines(run.stdout)).toEqual(actionLines(plan.stdout));
    expect(actionLines(plan.stdout)).toContain('    env.LEVEL: (none) -> "debug"');
    expect(project.cli('plan')).toMatchObject({ code: 0, stdout: 'in sync: nothing to do\n' });
  });

  it('exits 1 on an invalid manifest', () => {
    project = new E2eProject({ 'web.yaml': sleeper('web', ['replicas: -1']) });
    expect(project.cli('plan')).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('manifests/web.yaml:12:13: spec.replicas must be at least 0 (got -1)'),
    });
  });

  it('shows each change with old -> new values, env files masked, a summary line, and the same as -o json', async () => {
    const secret = 'tf-e2e-secret-value-41';
    project = new E2eProject({
      'web.yaml': sleeper('web', ['replicas: 2', 'env: {GREETING: "hi"}', 'envFiles: [web.env]']),
      'web.env': `TOKEN=${secret}-old\n`,
    });
    expect(project.runOnce().code).toBe(0);
    project.write('web.yaml', sleeper('web', ['replicas: 3', 'env: {GREETING: "hello"}', 'envFiles: [web.env]']));
    project.write('web.env', `TOKEN=${secret}\n`);
    const plan = project.cli('plan', [], { NO_COLOR: '1' });
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain(
      [
        '~ recreate image/web#1: env.GREETING changed, envFiles/web.env content changed',
        '    env.GREETING: "hi" -> "hello"',
        '    envFiles/web.env: (secret changed)',
      ].join('\n'),
    );
    expect(plan.stdout).toContain('+ create image/web#3: new replica\n    replicas: 2 -> 3\n');
    expect(plan.stdout.trimEnd().split('\n').at(-1)).toBe('1 to create, 2 to recreate, 0 to remove');
    const json = project.cli('plan', ['-o', 'json']);
    expect(json.code).toBe(2);
    const parsed = JSON.parse(json.stdout) as { actions: { kind: string; changes: unknown[] }[]; summary: object };
    expect(parsed.summary).toEqual({ create: 1, recreate: 2, remove: 0 });
    expect(parsed.actions[0]).toEqual({
      kind: 'recreate',
      workload: 'image/web',
      container: 'image/web#1',
      reason: 'env.GREETING changed, envFiles/web.env content changed',
      changes: [
        { path: 'env.GREETING', old: 'hi', new: 'hello' },
        { path: 'envFiles/web.env', old: '(secret)', new: '(secret changed)' },
      ],
    });
    for (const out of [plan, json]) expect(`${out.stdout}${out.stderr}`).not.toContain(secret);
  });
});
