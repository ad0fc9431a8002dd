import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeFixtureDir, removeFixtureDir } from '../support/fixture-dir.js';
import { runCli } from '../support/run-cli.js';

const COMPOSE = `services:
  api:
    image: tinyforge-test/busybox:1
    command: [sleep, "3600"]
    network_mode: none
    env_file: api.env
    container_name: api
  worker:
    image: tinyforge-test/busybox:1
    command: sleep 3600
    network_mode: none
    depends_on: [api]
`;

describe('tinyforge import', () => {
  let dir = '';
  afterEach(() => removeFixtureDir(dir));

  it.each([
    ['a Compose workload and its copy', [], ['app.yaml', 'app.compose.yaml']],
    ['a Stack', ['--split'], ['app.yaml']],
  ])('writes %s into -o DIR that validate accepts, naming the dropped key', (_what, flags, files) => {
    dir = makeFixtureDir({ 'app/docker-compose.yml': COMPOSE, 'manifests/api.env': 'TOKEN=s3cret\n' });
    const result = runCli(['import', 'app/docker-compose.yml', '-o', 'manifests', ...flags], { cwd: dir });
    expect(result.stderr).toContain(
      "app/docker-compose.yml:7:5: key 'services.api.container_name' is not supported by tinyforge (dropped)\n",
    );
    expect([result.code, result.stdout]).toEqual([1, '']);
    expect(fs.readdirSync(path.join(dir, 'manifests')).sort()).toEqual(['api.env', ...files].sort());
    const written = files.map((f) => fs.readFileSync(path.join(dir, 'manifests', f), 'utf8')).join('');
    expect(written).toContain('api.env');
    expect(written).not.toContain('s3cret');
    expect(runCli(['validate', 'manifests'], { cwd: dir })).toMatchObject({ code: 0, stdout: 'valid: 1 workload\n' });
  });

  it('prints one manifest to stdout without -o, and exits 0 when every key maps', () => {
    dir = makeFixtureDir({ 'app/compose.yaml': 'services:\n  web:\n    image: busybox:1.36\n' });
    const result = runCli(['import', 'app/compose.yaml'], { cwd: dir });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toContain('kind: Compose\nmetadata:\n  name: app\nspec:\n  compose:\n    services:\n');
    fs.writeFileSync(path.join(dir, 'app.yaml'), result.stdout);
    expect(runCli(['validate', 'app.yaml'], { cwd: dir })).toMatchObject({ code: 0 });
  });

  it('refuses to overwrite a file unless --force, writing nothing', () => {
    dir = makeFixtureDir({ 'compose.yaml': 'services:\n  web:\n    image: busybox:1.36\n', 'out/x.yaml': 'mine\n' });
    const refused = runCli(['import', 'compose.yaml', '--name', 'x', '-o', 'out'], { cwd: dir });
    expect(refused).toEqual({
      code: 2,
      stdout: '',
      stderr: 'tinyforge import: out/x.yaml already exists: nothing written (--force replaces it)\n',
    });
    expect(fs.readdirSync(path.join(dir, 'out'))).toEqual(['x.yaml']);
    expect(fs.readFileSync(path.join(dir, 'out/x.yaml'), 'utf8')).toBe('mine\n');
    const forced = runCli(['import', 'compose.yaml', '--name', 'x', '-o', 'out', '--force'], { cwd: dir });
    expect(forced.code).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'out/x.yaml'), 'utf8')).toContain('kind: Compose');
  });

  it('takes a --name that is a DNS label only', () => {
    const result = runCli(['import', 'compose.yaml', '--name', 'My Shop']);
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr: 'tinyforge import: --name must be a DNS label such as my-shop (got "My Shop")\n',
    });
  });

  it('says where an env file or folder the copy names must go', () => {
    dir = makeFixtureDir({ 'app/compose.yaml': COMPOSE.replace('    container_name: api\n', '') });
    const result = runCli(['import', 'app/compose.yaml', '-o', 'out'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('out/app.compose.yaml:6:15: services.api.env_file: "api.env" does not exist');
    expect(result.stderr).toContain('env files hold secrets: import never copies them');
  });

  it('validate names the way in for a compose file among manifests', () => {
    dir = makeFixtureDir({ 'manifests/docker-compose.yml': COMPOSE });
    expect(runCli(['validate'], { cwd: dir }).stderr).toContain(
      'manifests/docker-compose.yml:1:1: not a tinyforge manifest: missing required fields "apiVersion", "kind", "metadata", "spec"; it looks like a compose file: import it with \'tinyforge import FILE -o DIR\', or run it as it is from a manifest of kind: Compose (spec.file names it)',
    );
    removeFixtureDir(dir);
    dir = makeFixtureDir({ 'manifests/other.yaml': 'image: busybox\n' });
    expect(runCli(['validate'], { cwd: dir }).stderr).not.toContain('compose');
  });
});

describe('tinyforge init', () => {
  let dir = '';
  afterEach(() => removeFixtureDir(dir));

  it('writes a commented example with the editor modeline and its schema, which validate accepts', () => {
    dir = makeFixtureDir({});
    const result = runCli(['init'], { cwd: dir });
    expect(result).toMatchObject({ code: 0, stdout: '' });
    expect(fs.readdirSync(path.join(dir, 'manifests')).sort()).toEqual(['hello.yaml', 'tinyforge.schema.json']);
    const example = fs.readFileSync(path.join(dir, 'manifests/hello.yaml'), 'utf8');
    expect(example.split('\n')[0]).toBe('# yaml-language-server: $schema=tinyforge.schema.json');
    expect(example).toMatch(/^ {2}network: none +#/m);
    const schema = JSON.parse(fs.readFileSync(path.join(dir, 'manifests/tinyforge.schema.json'), 'utf8'));
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(runCli(['validate'], { cwd: dir })).toEqual({ code: 0, stdout: 'valid: 1 workload\n', stderr: '' });
  });

  it('refuses a directory that is not empty with exit 2, unless --force', () => {
    dir = makeFixtureDir({ 'site/notes.txt': 'keep\n' });
    const refused = runCli(['init', 'site'], { cwd: dir });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(
      'tinyforge init: site is not empty (1 entry): nothing written; init starts a new or empty directory (--force writes into it anyway)\n',
    );
    expect(fs.readdirSync(path.join(dir, 'site'))).toEqual(['notes.txt']);
    expect(runCli(['init', 'site', '--force'], { cwd: dir }).code).toBe(0);
    expect(fs.readdirSync(path.join(dir, 'site')).sort()).toEqual(['hello.yaml', 'notes.txt', 'tinyforge.schema.json']);
  });
});
