import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { E2eProject, sleeper } from '../support/e2e-project.js';
import { PROJECT_ROOT } from '../support/run-cli.js';

const VERSION = (JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string })
  .version;

/** Runs a command to its end; its output and exit code. */
function run(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }) {
  const result = spawnSync(command, args, {
    cwd: options.cwd,
    // The Node that runs the tests runs npm and the installed bin too (`#!/usr/bin/env node`).
    env: { ...process.env, PATH: `${path.dirname(process.execPath)}:${process.env.PATH}`, ...options.env },
    encoding: 'utf8',
    timeout: 240_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * What a user does with a release: `npm pack` (the build is the test command's; the
 * package's prepack builds it for a release), then `npm install -g` of the tarball into a
 * prefix of its own, offline and from an empty npm cache: the package brings its
 * dependencies (bundleDependencies), so it installs where no registry is reachable.
 */
describe('the packed package, installed globally', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tinyforge-install-'));
  const prefix = path.join(work, 'prefix');
  const bin = path.join(prefix, 'bin', 'tinyforge');
  let files: string[] = [];
  let project: E2eProject;

  beforeAll(() => {
    const pack = run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: PROJECT_ROOT });
    expect(pack.code, pack.stderr).toBe(0);
    const [packed] = JSON.parse(pack.stdout) as { filename: string; files: { path: string }[] }[];
    files = packed!.files.map((f) => f.path);
    const install = run(
      'npm',
      [
        'install',
        '-g',
        '--offline',
        '--no-audit',
        '--no-fund',
        '--cache',
        path.join(work, 'empty-cache'),
        '--prefix',
        prefix,
        path.join(work, packed!.filename),
      ],
      { cwd: work },
    );
    expect(install.code, install.stderr).toBe(0);
    project = new E2eProject({ 'web.yaml': sleeper('web') });
  }, 300_000);

  afterAll(async () => {
    await project?.cleanup();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('holds the build, the schemas and the dependencies, nothing of the tests or the sources', () => {
    for (const file of ['dist/main.js', 'dist/bundle.cjs', 'schemas/state.schema.json', 'CHANGELOG.md', 'README.md'])
      expect(files).toContain(file);
    expect(files.some((f) => f.startsWith('dist/generated/') && f.endsWith('.cjs'))).toBe(true);
    expect(files.some((f) => f.startsWith('node_modules/dockerode/'))).toBe(true);
    const top = new Set(files.map((f) => f.split('/')[0]));
    expect([...top].sort()).toEqual(['CHANGELOG.md', 'README.md', 'dist', 'node_modules', 'package.json', 'schemas']);
    // Only the dependencies' own trees: no test runner, compiler or linter.
    for (const dev of ['vitest', 'typescript', '@biomejs', 'esbuild'])
      expect(files.some((f) => f.startsWith(`node_modules/${dev}/`))).toBe(false);
  });

  it('runs as tinyforge from the prefix: --version, validate and run --once against the engine', async () => {
    // The bin is the installed copy's, not the checkout's.
    expect(fs.realpathSync(bin)).toBe(fs.realpathSync(path.join(prefix, 'lib/node_modules/tinyforge/dist/main.js')));
    const version = run(bin, ['--version'], { cwd: project.dir });
    expect(version.code).toBe(0);
    expect(version.stdout.split('\n').slice(0, 2)).toEqual([`tinyforge ${VERSION}`, `node ${process.version}`]);
    const validate = run(bin, ['validate', 'manifests'], { cwd: project.dir });
    expect(validate.code, validate.stderr).toBe(0);
    const once = run(bin, ['run', '--once', '--name', project.name], {
      cwd: project.dir,
      env: { DOCKER_HOST: project.host },
    });
    expect(once.code, once.stderr).toBe(0);
    const [container] = await project.containers();
    expect(container?.State).toBe('running');
    expect(container?.Labels).toMatchObject({
      'tinyforge.managed': 'true',
      'tinyforge.controller': project.name,
      'tinyforge.workload.id': 'image/web',
    });
    expect(container?.Labels['tinyforge.signature']).toMatch(/^[0-9a-f]{64}$/);
    expect(project.state().workloads['image/web']?.replicas).toEqual({ desired: 1, running: 1, updated: 1 });
  });
});
