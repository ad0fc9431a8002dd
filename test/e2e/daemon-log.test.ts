import { afterEach, describe, expect, it } from 'vitest';
import { DaemonProcess, eventually, finishDaemonTest } from '../support/daemon-process.js';
import { E2eProject, sleeper } from '../support/e2e-project.js';

const SECRET = 'hunter2-daemon-log';
const TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

describe("the long-running controller's log", () => {
  let project: E2eProject;
  let daemon: DaemonProcess | undefined;
  afterEach(() => finishDaemonTest(daemon, project).finally(() => (daemon = undefined)));

  it('--log-format json: every line of stdout and stderr is a JSON object with its time and level, and no env value', async () => {
    project = new E2eProject({
      'web.yaml': sleeper('web', ['envFiles: [web.env]']),
      'web.env': `TOKEN=${SECRET}\n`,
      'gone.yaml': sleeper('gone').replace('busybox:1', 'busybox:404'),
    });
    const d = new DaemonProcess(project, ['--log-format', 'json']);
    daemon = d;
    const lines = () => [...d.stdout.split('\n'), ...d.stderr.split('\n')].filter(Boolean);
    const said = () => lines().map((line) => JSON.parse(line) as Record<string, unknown>);
    await eventually('web created, gone failed', () => {
      const msgs = said().map((entry) => entry.msg);
      return (
        msgs.includes('+ create image/web#1: new replica') && msgs.some((m) => /^image\/gone: Failed: /.test(`${m}`))
      );
    });
    // A file broken while it runs is said, at error level; an env file's change never with its values.
    project.write('bad.yaml', 'apiVersion: tinyforge.dev/v1\nkind: Nope\n');
    project.write('web.env', `TOKEN=${SECRET}-2\n`);
    await eventually('the broken file said', () => said().some((entry) => `${entry.msg}`.includes('bad.yaml')));
    await eventually('the env file change applied', () =>
      said().some((entry) => `${entry.msg}`.startsWith('~ recreate image/web#1')),
    );
    expect(await d.stop()).toBe(0);
    for (const entry of said()) {
      expect(Object.keys(entry).slice(0, 3)).toEqual(['time', 'level', 'msg']);
      expect(entry.time).toMatch(TIME);
      expect(['info', 'warn', 'error']).toContain(entry.level);
    }
    const levelOf = (pattern: RegExp) => said().find((entry) => pattern.test(`${entry.msg}`));
    expect(levelOf(/^controller \S+ running on /)).toMatchObject({ level: 'info' });
    expect(levelOf(/^image\/gone: Failed: /)).toMatchObject({
      level: 'warn',
      workload: 'image/gone',
      reason: 'Failed',
    });
    expect(levelOf(/bad\.yaml:\d+:\d+: /)).toMatchObject({ level: 'error', file: expect.stringContaining('bad.yaml') });
    expect(levelOf(/^SIGTERM: finishing the reconcile in flight$/)).toMatchObject({ level: 'info' });
    expect(d.stdout + d.stderr).not.toContain(SECRET);
  });
});
