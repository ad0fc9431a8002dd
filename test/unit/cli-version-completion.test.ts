import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { imageManifest, makeFixtureDir, removeFixtureDir } from '../support/fixture-dir.js';
import { BIN, PROJECT_ROOT, runCli } from '../support/run-cli.js';
import { TickHarness } from '../support/tick-harness.js';

const NO_DOCKER = { DOCKER_HOST: 'unix:///nonexistent/docker.sock' };
const VERSION = (JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string })
  .version;

describe('tinyforge version', () => {
  let dir = '';
  afterEach(() => removeFixtureDir(dir));

  it('names tinyforge and Node, and says Docker is unreachable with exit 0; --version says the same', () => {
    const version = runCli(['version'], { env: NO_DOCKER });
    expect(version).toEqual({
      code: 0,
      stdout: `tinyforge ${VERSION}\nnode ${process.version}\ndocker unreachable: cannot reach Docker at unix:///nonexistent/docker.sock: ENOENT\n`,
      stderr: '',
    });
    expect(runCli(['--version'], { env: NO_DOCKER })).toEqual(version);
  });

  it('reads the version of the package it is installed with, as a global install lays it out', () => {
    dir = makeFixtureDir({
      'package.json': JSON.stringify({ name: 'tinyforge', version: '9.8.7-test', type: 'module' }),
    });
    fs.cpSync(path.dirname(BIN), path.join(dir, 'dist'), { recursive: true });
    fs.symlinkSync(path.join(PROJECT_ROOT, 'node_modules'), path.join(dir, 'node_modules'));
    const result = spawnSync(process.execPath, [path.join(dir, 'dist/main.js'), 'version'], {
      cwd: os.tmpdir(),
      env: { ...process.env, ...NO_DOCKER },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect([result.status, result.stdout.split('\n')[0]], result.stderr).toEqual([0, 'tinyforge 9.8.7-test']);
  });
});

describe('tinyforge completion', () => {
  let dir = '';
  afterEach(() => removeFixtureDir(dir));

  /** What bash completes for `line` (the word being completed is the last, '' for a new one), in `cwd`. */
  function complete(words: string[], cwd = PROJECT_ROOT): string[] {
    const script = runCli(['completion', 'bash']).stdout;
    const program = [
      script,
      `tinyforge() { "${process.execPath}" "${BIN}" "$@"; }`,
      `COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}`,
      '_tinyforge',
      'printf "%s\\n" "$' + '{COMPREPLY[@]}"',
    ].join('\n');
    const result = spawnSync('bash', ['--norc', '--noprofile', '-c', program], {
      cwd,
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.stderr).toBe('');
    return result.stdout.split('\n').filter(Boolean);
  }

  it('prints a bash script that bash accepts and that registers itself for tinyforge', () => {
    for (const shell of ['bash', 'zsh']) {
      const script = runCli(['completion', shell]);
      expect(script.code).toBe(0);
      const check = spawnSync('bash', ['-n'], { input: script.stdout, encoding: 'utf8' });
      expect([check.status, check.stderr]).toEqual([0, '']);
    }
    const registered = spawnSync(
      'bash',
      ['--norc', '-c', `${runCli(['completion', 'bash']).stdout}\ncomplete -p tinyforge`],
      {
        encoding: 'utf8',
      },
    );
    expect(registered.stdout.trim()).toBe('complete -F _tinyforge tinyforge');
    expect(runCli(['completion', 'fish'])).toMatchObject({ code: 2, stderr: expect.stringContaining('bash or zsh') });
  });

  it("prints a zsh script that zsh itself loads, its function answering through zsh's bash layer", () => {
    const script = path.join(os.tmpdir(), `tinyforge-completion-${process.pid}.zsh`);
    fs.writeFileSync(script, runCli(['completion', 'zsh']).stdout);
    try {
      // As zsh's bashcompinit calls it: ksh-style arrays; zsh itself then keeps the words that match.
      const program = `source ${script}; setopt ksharrays; COMP_WORDS=(tinyforge status -o ''); COMP_CWORD=3; _tinyforge; print -l -- "\${COMPREPLY[@]}"`;
      const result = spawnSync('zsh', ['-f', '-c', program], {
        encoding: 'utf8',
        env: { ...process.env, HOME: os.tmpdir() },
        timeout: 30_000,
      });
      expect([result.status, result.stderr]).toEqual([0, '']);
      expect(result.stdout.split('\n').filter(Boolean)).toEqual(['table', 'wide', 'json', 'yaml']);
    } finally {
      fs.rmSync(script, { force: true });
    }
  });

  it('completes commands, flags and -o values', () => {
    expect(complete(['tinyforge', 'pl'])).toEqual(['plan']);
    expect(complete(['tinyforge', 'ver'])).toEqual(['version']);
    expect(complete(['tinyforge', 'status', '--st'])).toEqual(['--state']);
    expect(complete(['tinyforge', 'status', '-o', 'y'])).toEqual(['yaml']);
    expect(complete(['tinyforge', 'plan', '--docker-h'])).toEqual(['--docker-host']);
    expect(complete(['tinyforge', 'logs', '--ta'])).toEqual(['--tail']);
    expect(complete(['tinyforge', 'events', '-o', 'j'])).toEqual(['json']);
  });

  it('completes workload names from the state file, or from the one --state names', async () => {
    dir = makeFixtureDir({ 'manifests/web.yaml': imageManifest('web'), 'manifests/api.yaml': imageManifest('api') });
    const h = new TickHarness(path.join(dir, 'manifests'));
    await h.tick();
    fs.mkdirSync(path.join(dir, '.tinyforge'));
    fs.writeFileSync(path.join(dir, '.tinyforge/state.json'), JSON.stringify(h.state));
    expect(complete(['tinyforge', 'status', 'w'], dir)).toEqual(['web']);
    expect(complete(['tinyforge', 'wait', ''], dir)).toEqual(['api', 'image/api', 'image/web', 'web']);
    fs.renameSync(path.join(dir, '.tinyforge/state.json'), path.join(dir, 'other.json'));
    expect(complete(['tinyforge', 'status', 'w'], dir)).toEqual([]);
    expect(complete(['tinyforge', 'status', '--state', 'other.json', 'a'], dir)).toEqual(['api']);
  });
});
