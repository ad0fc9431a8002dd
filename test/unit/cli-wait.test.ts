import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../src/api/policy.js';
import { loadFromDisk } from '../../src/app.js';
import { staleness } from '../../src/cli/status-command.js';
import { imageManifest, makeFixtureDir, removeFixtureDir } from '../support/fixture-dir.js';
import { BIN, runCli } from '../support/run-cli.js';
import type { CliResult } from '../support/run-cli.js';
import { TickHarness } from '../support/tick-harness.js';

/**
 * A project folder with manifests/ and .tinyforge/, the state file written from a
 * tick harness (FakeDocker) as the controller would write it, with the harness's key.
 */
class WaitProject {
  readonly dir: string;
  readonly harness: TickHarness;

  constructor(files: Record<string, string>) {
    this.dir = makeFixtureDir(
      Object.fromEntries(Object.entries(files).map(([name, text]) => [`manifests/${name}`, text])),
    );
    this.harness = new TickHarness(path.join(this.dir, 'manifests'));
    fs.mkdirSync(path.join(this.dir, '.tinyforge'));
    fs.writeFileSync(path.join(this.dir, '.tinyforge/controller.key'), `${this.harness.key.toString('hex')}\n`, {
      mode: 0o600,
    });
  }

  write(name: string, text: string): void {
    fs.writeFileSync(path.join(this.dir, 'manifests', name), text);
  }

  /**
   * One reconcile of what is on disk now, by a controller run from the project folder
   * (file names as it shows them), its state saved; `mutate` changes the state as written.
   */
  async apply(mutate: (state: TickHarness['state']) => void = () => undefined, policy = DEFAULT_POLICY): Promise<void> {
    await this.harness.tick({ view: loadFromDisk({ dir: this.harness.dir }, policy, { cwd: this.dir }) });
    const state = structuredClone(this.harness.state);
    mutate(state);
    // Replaced whole, as the controller writes it: a `wait` polling meanwhile never reads half a file.
    const file = path.join(this.dir, '.tinyforge/state.json');
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(state));
    fs.renameSync(`${file}.tmp`, file);
  }

  wait(...args: string[]): CliResult {
    return runCli(['wait', ...args], { cwd: this.dir });
  }

  /** `wait` in the background, to change things while it waits. */
  waitInBackground(...args: string[]): { done: Promise<CliResult>; exited: () => boolean } {
    const child = spawn(process.execPath, [BIN, 'wait', ...args], { cwd: this.dir });
    let stdout = '';
    let stderr = '';
    let exited = false;
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const done = new Promise<CliResult>((resolve) =>
      child.on('close', (code) => {
        exited = true;
        resolve({ code, stdout, stderr });
      }),
    );
    return { done, exited: () => exited };
  }
}

/** What the state file records as applied for a workload. */
function appliedHash(project: WaitProject, id: string): string {
  return project.harness.state.workloads[id]!.specHash;
}

describe('tinyforge wait: Ready with the spec on disk', () => {
  let project: WaitProject;
  afterEach(() => removeFixtureDir(project.dir));

  it('exits 0 at once for a workload that is Ready with the spec on disk', async () => {
    project = new WaitProject({ 'web.yaml': imageManifest('web') });
    await project.apply();
    expect(project.wait('web', '--timeout', '5s')).toMatchObject({
      code: 0,
      stdout: 'image/web: Ready at generation 1\n',
    });
  });

  it('keeps waiting while an edit on disk is not applied, and says so when the time runs out', async () => {
    project = new WaitProject({ 'web.yaml': imageManifest('web') });
    await project.apply();
    const before = appliedHash(project, 'image/web');
    project.write('web.yaml', imageManifest('web', ['replicas: 2']));
    const result = project.wait('web', '--timeout', '500ms');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(
        `^tinyforge: timed out after 500ms: image/web: spec on disk \\(hash [0-9a-f]{16}\\) not applied yet: state has ${before}\\n$`,
      ),
    );
  });

  it('exits 0 once the state file records the spec on disk as applied and Ready', async () => {
    project = new WaitProject({ 'web.yaml': imageManifest('web') });
    await project.apply();
    project.write('web.yaml', imageManifest('web', ['replicas: 2']));
    const waiting = project.waitInBackground('web', '--timeout', '20s', '--interval', '50ms');
    await new Promise((r) => setTimeout(r, 1500));
    expect(waiting.exited()).toBe(false);
    await project.apply();
    const result = await waiting.done;
    expect(result).toMatchObject({ code: 0, stdout: 'image/web: Ready at generation 2\n' });
  });

  it('waits for a spec on disk that is applied but not Ready yet, with the Ready message', async () => {
    project = new WaitProject({ 'web.yaml': imageManifest('web') });
    await project.apply((state) => (state.workloads['image/web']!.phase = 'Progressing'));
    const result = project.wait('web', '--timeout', '300ms');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^tinyforge: timed out after 300ms: image\/web: spec [0-9a-f]{16} applied, not Ready: Progressing: 1\/1 running\n$/,
    );
  });

  it('follows the files a manifest refers to, hashed with the controller key as run hashes them', async () => {
    project = new WaitProject({ 'web.yaml': imageManifest('web', ['envFiles: [web.env]']), 'web.env': 'TOKEN=one\n' });
    await project.apply();
    expect(project.wait('web', '--timeout', '5s').code).toBe(0);
    project.write('web.env', 'TOKEN=two\n');
    expect(project.wait('web', '--timeout', '300ms')).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('not applied yet'),
    });
  });

  it("loads the manifests with run's flags: a policy flag decides whether one is valid", async () => {
    project = new WaitProject({ 'web.yaml': imageManifest('web', ['privileged: true']) });
    await project.apply(undefined, { ...DEFAULT_POLICY, allowPrivileged: true });
    expect(project.wait('web', '--timeout', '5s', '--allow-privileged')).toMatchObject({
      code: 0,
      stdout: 'image/web: Ready at generation 1\n',
    });
    expect(project.wait('web', '--timeout', '5s')).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('--allow-privileged'),
    });
  });
});

describe('tinyforge wait: what ends it at once', () => {
  let project: WaitProject;
  afterEach(() => removeFixtureDir(project.dir));

  it('an invalid manifest for the workload, with the problem as file:line:col', async () => {
    project = new WaitProject({ 'web.yaml': imageManifest('web') });
    await project.apply();
    project.write('web.yaml', imageManifest('web', ['replicas: two']));
    const started = Date.now();
    const result = project.wait('web', '--timeout', '30s');
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'manifests/web.yaml:7:13: spec.replicas must be an integer (got "two")\ntinyforge: image/web: manifest invalid\n',
    );
  });

  it('a NAME the manifests do not have', async () => {
    project = new WaitProject({ 'web.yaml': imageManifest('web') });
    await project.apply();
    const started = Date.now();
    const result = project.wait('web', 'ghost', '--timeout', '30s');
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(result).toMatchObject({ code: 1, stderr: 'tinyforge: ghost: no such workload in manifests\n' });
  });

  it('a manifest directory that cannot be read, or whose files do not parse', async () => {
    project = new WaitProject({ 'web.yaml': imageManifest('web') });
    await project.apply();
    expect(project.wait('web', '--manifests', 'elsewhere', '--timeout', '30s')).toMatchObject({
      code: 1,
      stderr: 'tinyforge: web: cannot read the manifests: elsewhere: no such file or folder\n',
    });
    project.write('web.yaml', 'kind: Image\nmetadata: {name: web\n');
    const result = project.wait('web', '--timeout', '30s');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^manifests\/web\.yaml:\d+:\d+: .+\ntinyforge: image\/web: manifest invalid\n$/);
  });

  it('a failure of the spec on disk, but not one of an older spec', async () => {
    project = new WaitProject({ 'web.yaml': imageManifest('web') });
    await project.apply((state) => (state.workloads['image/web']!.phase = 'Failed'));
    expect(project.wait('web', '--timeout', '30s')).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/^tinyforge: image\/web: spec [0-9a-f]{16} applied, not Ready: Failed: /),
    });
    project.write('web.yaml', imageManifest('web', ['replicas: 2']));
    expect(project.wait('web', '--timeout', '300ms')).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('timed out after 300ms: image/web: spec on disk'),
    });
  });

  it('a rolled-back rollout or a crash loop of the spec on disk: the controller will not try it again', async () => {
    for (const reason of ['RolloutFailed', 'CrashLoop']) {
      project = new WaitProject({ 'web.yaml': imageManifest('web') });
      await project.apply((state) => {
        const web = state.workloads['image/web']!;
        web.phase = 'Degraded';
        web.conditions = [
          { type: 'Ready', status: 'False', reason, message: 'given up', lastTransitionTime: new Date().toISOString() },
        ];
      });
      const started = Date.now();
      expect(project.wait('web', '--timeout', '30s')).toMatchObject({
        code: 1,
        stderr: expect.stringContaining('not Ready: Degraded: given up'),
      });
      expect(Date.now() - started).toBeLessThan(10_000);
      removeFixtureDir(project.dir);
    }
  });
});

describe('status and a stale heartbeat', () => {
  it('warns when a long-running controller has not written for longer than its resync allows', async () => {
    const h = new TickHarness(makeFixtureDir({}));
    const state = {
      ...h.state,
      controller: { ...h.state.controller, resyncSeconds: 30, heartbeatAt: '2026-11-27T10:00:00.000Z' },
    };
    expect(staleness(state, new Date('2026-11-27T10:01:00Z'))).toBeUndefined();
    expect(staleness(state, new Date('2026-11-27T10:01:31Z'))).toBe(
      `controller not running since 2026-11-27T10:00:00.000Z (pid ${state.controller.pid}; heartbeat every 30s): this status may be out of date`,
    );
    expect(
      staleness(
        { ...state, controller: { ...state.controller, resyncSeconds: undefined } },
        new Date('2027-01-01T00:00:00Z'),
      ),
    ).toBeUndefined();
    removeFixtureDir(h.dir);
  });
});
