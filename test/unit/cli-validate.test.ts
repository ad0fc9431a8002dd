import { afterEach, describe, expect, it } from 'vitest';
import { imageManifest, makeFixtureDir, removeFixtureDir } from '../support/fixture-dir.js';
import { PROJECT_ROOT, runCli } from '../support/run-cli.js';

describe('tinyforge validate', () => {
  let dir = '';
  afterEach(() => {
    if (dir) removeFixtureDir(dir);
    dir = '';
  });

  it('checks ./manifests by default and exits 0 when valid', () => {
    const result = runCli(['validate'], { cwd: PROJECT_ROOT });
    expect(result).toEqual({ code: 0, stdout: 'valid: 5 workloads\n', stderr: '' });
  });

  it('prints file:line:col: message per problem on stderr, paths relative to the current folder, and exits 1', () => {
    dir = makeFixtureDir({
      'manifests/web.yaml': imageManifest('web', ['replicas: two']),
      'manifests/api.yaml': imageManifest('api', ['replica: 1']),
    });
    const result = runCli(['validate'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      [
        'manifests/api.yaml:7:3: spec.replica: unknown field "replica" (did you mean "replicas"?)',
        'manifests/web.yaml:7:13: spec.replicas must be an integer (got "two")',
        '2 problems in 2 files',
        '',
      ].join('\n'),
    );
  });

  it('--json prints {valid, problems} on stdout', () => {
    dir = makeFixtureDir({ 'web.yaml': imageManifest('web', ['replicas: two']) });
    const result = runCli(['validate', '--json', '.'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toEqual({
      valid: false,
      problems: [
        {
          file: 'web.yaml',
          line: 7,
          column: 13,
          path: '/spec/replicas',
          message: 'spec.replicas must be an integer (got "two")',
        },
      ],
    });
    const valid = runCli(['validate', '--json', 'manifests'], { cwd: PROJECT_ROOT });
    expect([valid.code, JSON.parse(valid.stdout)]).toEqual([0, { valid: true, problems: [] }]);
  });

  it('checks explicit files together', () => {
    dir = makeFixtureDir({ 'a.yaml': imageManifest('web'), 'b.yaml': imageManifest('web') });
    const result = runCli(['validate', 'a.yaml', 'b.yaml'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('a.yaml:4:9: metadata.name "web" is also used by b.yaml:4:9 (image/web)');
  });

  it('reports a missing directory and an empty one as problems, not as "no workloads"', () => {
    dir = makeFixtureDir({ 'empty/README.md': 'nothing here' });
    expect(runCli(['validate', 'missing'], { cwd: dir })).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('missing: no such file or folder'),
    });
    expect(runCli(['validate', 'empty'], { cwd: dir })).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('empty:1:1: no manifests found'),
    });
  });

  it('takes the policy flags run takes', () => {
    dir = makeFixtureDir({ 'web.yaml': imageManifest('web', ['privileged: true']) });
    expect(runCli(['validate', '.'], { cwd: dir }).code).toBe(1);
    expect(runCli(['validate', '.', '--allow-privileged'], { cwd: dir }).code).toBe(0);
  });

  it('exits 2 on a usage error', () => {
    const result = runCli(['validate', '--no-such-flag']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe("tinyforge validate: unknown option --no-such-flag; see 'tinyforge validate --help'\n");
  });
});

describe('tinyforge schema', () => {
  it('prints the manifest schema, or one kind, as self-contained JSON', () => {
    const all = runCli(['schema']);
    expect(all.code).toBe(0);
    expect(JSON.parse(all.stdout)).toMatchObject({
      title: 'tinyforge manifest',
      $schema: 'https://json-schema.org/draft/2020-12/schema',
    });
    const image = runCli(['schema', 'Image']);
    expect(JSON.parse(image.stdout)).toMatchObject({ title: 'tinyforge Image' });
  });

  it('exits 2 for an unknown kind', () => {
    expect(runCli(['schema', 'Pod'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('unknown schema "Pod"'),
    });
  });
});

describe('tinyforge', () => {
  it('exits 2 with usage for an unknown command', () => {
    expect(runCli(['frobnicate'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('unknown command "frobnicate"'),
    });
  });
});
