import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { ControllerState } from '../../src/api/state-types.js';
import { imageManifest, makeFixtureDir, removeFixtureDir } from '../support/fixture-dir.js';
import { runCli } from '../support/run-cli.js';
import { TickHarness } from '../support/tick-harness.js';

describe('tinyforge status (reads the state file only)', () => {
  let dir = '';
  afterEach(() => removeFixtureDir(dir));

  async function stateFile(): Promise<string> {
    dir = makeFixtureDir({
      'manifests/web.yaml': imageManifest('web', ['replicas: 2']),
      'manifests/api.yaml': imageManifest('api', ['replicas: two']),
    });
    const h = new TickHarness(path.join(dir, 'manifests'));
    fs.writeFileSync(path.join(dir, 'manifests/api.yaml'), imageManifest('api'));
    await h.tick();
    fs.writeFileSync(path.join(dir, 'manifests/api.yaml'), imageManifest('api', ['replicas: two']));
    await h.tick();
    const file = path.join(dir, '.tinyforge', 'state.json');
    fs.mkdirSync(path.dirname(file));
    fs.writeFileSync(file, JSON.stringify(h.state));
    return file;
  }

  it('prints a kubectl-like table with Docker nowhere to be found', async () => {
    await stateFile();
    const result = runCli(['status'], { cwd: dir, env: { DOCKER_HOST: 'unix:///nonexistent.sock' } });
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toMatch(/^NAME +KIND +PHASE +READY +AGE +MESSAGE$/);
    expect(lines[1]).toMatch(
      /^api +Image +Invalid +1\/1 +\d+[smhd] +manifest invalid, last good spec kept: api\.yaml:\d+:\d+: spec\.replicas must be an integer/,
    );
    expect(lines[2]).toMatch(/^web +Image +Ready +2\/2 +\d+[smhd] +2\/2 running$/);
    expect(result.stdout).toContain("1 manifest problem: run 'tinyforge validate'");
  });

  it('-o json prints the workloads object, or one workload by name or id', async () => {
    await stateFile();
    const all = JSON.parse(runCli(['status', '-o', 'json'], { cwd: dir }).stdout);
    expect(Object.keys(all)).toEqual(['image/api', 'image/web']);
    const byName = JSON.parse(runCli(['status', 'web', '-o', 'json'], { cwd: dir }).stdout);
    const byId = JSON.parse(runCli(['status', 'image/web', '-o', 'json'], { cwd: dir }).stdout);
    expect(byName).toEqual(byId);
    expect(byName).toMatchObject({
      kind: 'Image',
      name: 'web',
      phase: 'Ready',
      replicas: { desired: 2, running: 2, updated: 2 },
    });
  });

  it('exits 1 for an unknown workload or a missing state file', async () => {
    await stateFile();
    expect(runCli(['status', 'nope'], { cwd: dir })).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('no workload "nope"'),
    });
    expect(runCli(['status', '--state', 'elsewhere.json'], { cwd: dir })).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('no state file at elsewhere.json'),
    });
  });

  /** The state file with web's first container still starting its healthcheck and its second on a node with a port. */
  async function healthState(): Promise<void> {
    const file = await stateFile();
    const state = JSON.parse(fs.readFileSync(file, 'utf8')) as ControllerState;
    const [first, second] = state.workloads['image/web']!.containers;
    Object.assign(first!, { health: 'starting' });
    Object.assign(second!, { health: 'healthy', node: 'node-b', ports: [8081, 8080] });
    fs.writeFileSync(file, JSON.stringify(state));
  }

  it('READY counts containers that run and pass their healthcheck, not the updated ones', async () => {
    await healthState();
    const lines = runCli(['status'], { cwd: dir }).stdout.split('\n');
    expect(lines[2]).toMatch(/^web +Image +Ready +1\/2 /);
  });

  it('-o wide adds nodes, slots and host ports; -o yaml says what -o json says', async () => {
    await healthState();
    const wide = runCli(['status', '-o', 'wide'], { cwd: dir }).stdout.split('\n');
    expect(wide[0]).toMatch(/^NAME +KIND +PHASE +READY +AGE +NODE +SLOT +PORTS +MESSAGE$/);
    expect(wide[2]).toMatch(/^web +Image +Ready +1\/2 +\d+[smhd] +node-b +- +8080,8081 +2\/2 running$/);
    for (const args of [[], ['web']]) {
      const json = runCli(['status', ...args, '-o', 'json'], { cwd: dir });
      const yaml = runCli(['status', ...args, '-o', 'yaml'], { cwd: dir });
      expect([yaml.code, parse(yaml.stdout)]).toEqual([0, JSON.parse(json.stdout)]);
    }
  });
});
