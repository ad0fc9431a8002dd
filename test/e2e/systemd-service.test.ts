import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../support/caddy.js';
import { E2eProject, sleeper } from '../support/e2e-project.js';
import { eventually } from '../support/eventually.js';
import { BIN } from '../support/run-cli.js';
import {
  ENV_FILE,
  UNIT_FILE,
  envFileValues,
  expandCommand,
  unitSettings,
  unitWithPaths,
} from '../support/systemd-unit.js';

const INSTALLED_BIN = '/usr/local/bin/tinyforge';

let project: E2eProject | undefined;
const children: ReturnType<typeof spawn>[] = [];

afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    const exited = new Promise((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  await project?.cleanup();
  project = undefined;
});

describe('deploy/tinyforge.service', () => {
  it('passes systemd-analyze verify with no warning', () => {
    project = new E2eProject();
    // verify needs ExecStart's program to exist and be executable: a stand-in for the installed bin.
    const bin = path.join(project.dir, 'tinyforge');
    fs.writeFileSync(bin, `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`, { mode: 0o755 });
    const unit = path.join(project.dir, 'tinyforge.service');
    fs.writeFileSync(unit, unitWithPaths({ [INSTALLED_BIN]: bin }));

    const result = spawnSync('systemd-analyze', ['verify', '--man=no', unit], { encoding: 'utf8', timeout: 30_000 });

    expect(result.stderr + result.stdout).toBe('');
    expect(result.status).toBe(0);
  });

  it('keeps the state in its own state directory, restarts on failure and reaches the socket as docker', () => {
    const unit = unitSettings(fs.readFileSync(UNIT_FILE, 'utf8'));
    const env = envFileValues(fs.readFileSync(ENV_FILE, 'utf8'));

    expect(unit.get('StateDirectory')).toEqual(['tinyforge']);
    expect(path.dirname(env['TINYFORGE_STATE']!)).toBe('/var/lib/tinyforge');
    expect(unit.get('Restart')).toEqual(['on-failure']);
    expect(unit.get('DynamicUser')).toEqual(['yes']);
    expect(unit.get('SupplementaryGroups')).toEqual(['docker']);
    expect(unit.get('ProtectSystem')).toEqual(['strict']);
    expect(unit.get('RestrictAddressFamilies')).toEqual(['AF_UNIX AF_INET AF_INET6']);
    // A controller not ready in time (Docker down at boot) keeps running: no restart loop.
    expect(unit.get('ExecStartPost')![0]).toMatch(/^-\/usr\/bin\/curl .*\/readyz$/);
  });

  it("lets the service's own user read the commit of a manifest checkout that another user owns", () => {
    project = new E2eProject({ 'web.yaml': sleeper('web') });
    const git = (args: string[], options: { uid?: number; gid?: number; env?: NodeJS.ProcessEnv } = {}) =>
      spawnSync('git', ['-C', project!.manifests, ...args], { encoding: 'utf8', ...options });
    git(['init', '-q']);
    git(['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '--allow-empty', '-m', 'manifests']);
    for (const dir of [project.dir, project.manifests]) fs.chmodSync(dir, 0o755);
    const head = git(['rev-parse', 'HEAD']).stdout.trim();
    // What the controller runs for controller.revision, as a user that does not own the checkout.
    const asNobody = (env: NodeJS.ProcessEnv) => git(['rev-parse', 'HEAD'], { uid: 65534, gid: 65534, env });
    const serviceEnv = envFileValues(fs.readFileSync(ENV_FILE, 'utf8'));
    const bare = { PATH: process.env.PATH, HOME: '/' };

    expect(asNobody(bare).stderr).toContain('dubious ownership');
    expect(asNobody({ ...bare, ...serviceEnv }).stdout.trim()).toBe(head);
  });

  it("runs the controller with ExecStart's flags, and ExecStartPost returns once it is ready", async () => {
    project = new E2eProject({ 'web.yaml': sleeper('web') });
    const unit = unitSettings(fs.readFileSync(UNIT_FILE, 'utf8'));
    // The env file as shipped, with this test's folders, engine, name and port.
    const env = {
      ...envFileValues(fs.readFileSync(ENV_FILE, 'utf8')),
      TINYFORGE_MANIFESTS: project.manifests,
      TINYFORGE_STATE: project.stateFile,
      TINYFORGE_NAME: project.name,
      TINYFORGE_HEALTH_ADDR: `127.0.0.1:${await freePort()}`,
      DOCKER_HOST: project.host,
    };
    const [program, ...args] = expandCommand(unit.get('ExecStart')![0]!, env);
    expect(program).toBe(INSTALLED_BIN);
    const controller = spawn(process.execPath, [BIN, ...args], {
      cwd: project.dir,
      env: { PATH: process.env.PATH, ...env },
    });
    children.push(controller);
    let log = '';
    controller.stderr.on('data', (d: Buffer) => (log += d.toString()));

    const [curl, ...curlArgs] = expandCommand(unit.get('ExecStartPost')![0]!, env);
    const post = spawn(curl!, curlArgs, { stdio: ['ignore', 'ignore', 'pipe'] });
    children.push(post);
    const postExit = new Promise<number | null>((resolve) => post.on('exit', resolve));
    const controllerExit = new Promise<string>((resolve) => controller.on('exit', (code) => resolve(`exit ${code}`)));

    expect(await Promise.race([postExit, controllerExit])).toBe(0);
    expect(log).toContain(`controller ${project.name} running on ${project.manifests}`);
    await eventually(
      'the workload Ready in the state file',
      () => project!.state().workloads['image/web']?.phase === 'Ready',
    );
    expect(await project.names()).toHaveLength(1);
  });
});
