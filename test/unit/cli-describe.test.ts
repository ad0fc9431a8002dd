import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { describeCommand } from '../../src/cli/describe-command.js';
import { imageManifest, removeFixtureDir } from '../support/fixture-dir.js';
import { capturedOutput, stateFixture } from '../support/state-fixture.js';

const NOW = new Date('2026-11-27T10:05:00Z');

const PROJECT = `apiVersion: tinyforge.dev/v1
kind: Project
metadata: {name: shop}
spec:
  image: tinyforge-test/busybox
  network: host
  stages: [{name: production, tag: "1", replicas: 1}]
`;

describe('tinyforge describe', () => {
  let dir = '';
  afterEach(() => removeFixtureDir(dir));

  /** `describe web` of a state one reconcile left; `manifests` is where describe is told to look, in the fixture. */
  async function describeWeb(edit: Parameters<typeof stateFixture>[1] = () => undefined, manifests = 'manifests') {
    const fixture = await stateFixture(
      {
        'manifests/web.yaml': imageManifest('web', [
          'replicas: 1',
          'command: [sh, -c, "echo hi; sleep 60"]',
          'ports: [{container: 80, host: 8080}, {container: 81}]',
          'env: {GREETING: "hello-value"}',
          'envFiles: [secret.env]',
          'healthcheck: {command: [wget, -q, "http://127.0.0.1/"], interval: 5s, retries: 3}',
        ]),
        'manifests/secret.env': 'TOKEN=hunter2-secret\n',
      },
      edit,
    );
    dir = fixture.dir;
    const out = capturedOutput();
    const args = ['web', '--state', fixture.file, '--manifests', path.join(dir, manifests)];
    const code = await describeCommand(args, out, NOW);
    return { code, text: out.stdout.join('\n'), file: fixture.file };
  }

  it('shows the header and the spec from disk: keys of env only, env files by name only', async () => {
    const { code, text } = await describeWeb();
    expect(code).toBe(0);
    expect(text).toMatch(/^Name: +web\nKind: +Image\nId: +image\/web\nSource: +\S*web\.yaml \(document 0\)/);
    expect(text).toMatch(/^Phase: +Ready$/m);
    expect(text).toMatch(/^Generation: +1 \(observed 1\)$/m);
    expect(text).toMatch(/^Spec: +\(from \S*web\.yaml\)$/m);
    for (const line of [
      /^ {2}Update strategy: recreate$/m,
      /^ {2}image:$/m,
      /^ {4}Image: +tinyforge-test\/busybox:1$/m,
      /^ {4}Replicas: +1$/m,
      /^ {4}Command: +sh -c "echo hi; sleep 60"$/m,
      /^ {4}Ports: +127\.0\.0\.1:8080->80\/tcp, 81\/tcp$/m,
      /^ {4}Network: +bridge$/m,
      /^ {4}Healthcheck: +wget -q http:\/\/127\.0\.0\.1\/ \(every 5s, 3 retries\)$/m,
      /^ {4}Env: +GREETING$/m,
      /^ {4}Env files: +secret\.env \(values not shown\)$/m,
    ])
      expect(text).toMatch(line);
    expect(text).not.toContain('hello-value');
    expect(text).not.toContain('hunter2');
    // What the one reconcile applied, as plan words it.
    expect(text).toMatch(/^Last plan: +\S+ \(.+ ago\)\n {2}\+ create image\/web#1: new replica\nLast error: /m);
  });

  it('says <none> for the last plan of a workload no pass has changed anything for', async () => {
    const { text } = await describeWeb((state) => {
      delete state.workloads['image/web']!.lastPlan;
    });
    expect(text).toMatch(/^Last plan: +<none>\nLast error: /m);
  });

  it('without the manifests, says why and shows the rest from the state file', async () => {
    const { code, text } = await describeWeb(undefined, 'elsewhere');
    expect(code).toBe(0);
    expect(text).toMatch(/^Spec: +<not loaded: \S*elsewhere: /m);
    expect(text).toMatch(/^Conditions:\n {2}TYPE/m);
  });

  it('names why a workload is Degraded: condition reason and time, container state, last error, its events', async () => {
    const { text } = await describeWeb((state) => {
      const w = state.workloads['image/web']!;
      w.phase = 'Degraded';
      w.conditions = [
        {
          type: 'Ready',
          status: 'False',
          reason: 'CrashLoop',
          message: 'image/web#1 restarted 5 times in 5m',
          lastTransitionTime: '2026-11-27T10:04:00.000Z',
        },
      ];
      w.containers[0]!.state = 'stopped';
      w.containers[0]!.restarts = 5;
      w.lastError = 'image/web#1 keeps exiting';
      state.events.push(
        {
          at: '2026-11-27T10:04:00.000Z',
          type: 'Warning',
          workload: 'image/web',
          reason: 'CrashLoop',
          message: 'gave up',
        },
        { at: '2026-11-27T10:04:30.000Z', type: 'Normal', workload: 'image/other', reason: 'Created', message: 'x' },
      );
    });
    expect(text).toMatch(/^Phase: +Degraded$/m);
    expect(text).toMatch(
      /^Conditions:\n {2}TYPE +STATUS +REASON +LAST TRANSITION +MESSAGE\n {2}Ready +False +CrashLoop +2026-11-27T10:04:00\.000Z +image\/web#1 restarted 5 times in 5m$/m,
    );
    expect(text).toMatch(
      /^Containers:\n {2}CONTAINER +NAME +STATE +HEALTH +PORTS +NODE +SLOT +STARTED +RESTARTS\n {2}image-1 +tf-web-image-1-\w+ +stopped +- +8080 +- +- +5m ago +5$/m,
    );
    expect(text).toMatch(/^Last error: +image\/web#1 keeps exiting$/m);
    const events = text.slice(text.indexOf('\nEvents:'));
    expect(events).toMatch(/\n {2}AGE +TYPE +REASON +MESSAGE\n/);
    // Newest last, with age; another workload's events stay out.
    expect(events.trimEnd().split('\n').at(-1)).toMatch(/^ {2}60s ago +Warning +CrashLoop +gave up$/);
    expect(events).not.toContain('image/other');
  });

  it('shows a Project stage as a role and its rollouts', async () => {
    const fixture = await stateFixture({ 'manifests/shop.yaml': PROJECT }, (state) => {
      state.workloads['project/shop']!.rollouts = {
        production: {
          phase: 'Failed',
          serving: 'blue',
          next: 'green',
          specHash: 'x',
          failedSpecHash: 'x',
          message: 'not healthy in 2m',
        },
      };
    });
    dir = fixture.dir;
    const out = capturedOutput();
    await describeCommand(['shop', '--state', fixture.file, '--manifests', path.join(dir, 'manifests')], out, NOW);
    const text = out.stdout.join('\n');
    expect(text).toMatch(/^ {2}Strategy: blue-green$/m);
    expect(text).toMatch(/^ {2}production:\n {4}Image: +tinyforge-test\/busybox:1$/m);
    expect(text).toMatch(
      /^Rollouts:\n {2}STAGE +PHASE +SERVING +NEXT +MESSAGE\n {2}production +Failed +blue +green +not healthy in 2m$/m,
    );
  });

  it('exits 1 for no such workload or no state file', async () => {
    const { file } = await describeWeb();
    const out = capturedOutput();
    expect(await describeCommand(['nope', '--state', file], out, NOW)).toBe(1);
    expect(await describeCommand(['web', '--state', path.join(dir, 'none.json')], out, NOW)).toBe(1);
    expect(out.stderr).toEqual([
      expect.stringContaining('no workload "nope"'),
      expect.stringContaining('no state file'),
    ]);
    expect(fs.existsSync(file)).toBe(true);
  });
});
