import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageManifest, makeFixtureDir, removeFixtureDir } from '../support/fixture-dir.js';
import { runCli } from '../support/run-cli.js';
import type { CliResult } from '../support/run-cli.js';

/** Docker is nowhere: a command that reached it would exit 3, not 2. */
const NO_DOCKER = ['--docker-host', 'unix:///nonexistent.sock'];

/** Exit 2 with one stderr line, as `tinyforge[ command]: ...`, naming what was wrong; no stack. */
function expectUsageError(result: CliResult, ...needles: string[]): void {
  expectOneLineError(result, 2, needles);
}

/** The same for `plan`, whose exit 2 means "changes pending": its errors are exit 1. */
function expectPlanError(result: CliResult, ...needles: string[]): void {
  expectOneLineError(result, 1, needles);
}

function expectOneLineError(result: CliResult, code: number, needles: string[]): void {
  expect(result.code, result.stderr).toBe(code);
  expect(result.stderr).not.toMatch(/internal error|\n\s+at /);
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^tinyforge( [a-z]+)?: /);
  for (const needle of needles) expect(lines[0]).toContain(needle);
}

/**
 * Past its flags, `run` first says what it starts, before it touches anything: that line (the long-running
 * controller's stamped with its time and level), then the error.
 */
function expectRunConfigurationError(result: CliResult, ...needles: string[]): void {
  const [announced, ...rest] = result.stderr.split('\n');
  expect(announced).toMatch(
    /^(tinyforge: one reconcile pass|\S+Z info {2}controller \S+) on \S+ with Docker at unix:\/\/\/nonexistent\.sock; state /,
  );
  expectUsageError({ ...result, stderr: rest.join('\n') }, ...needles);
}

describe('usage and configuration errors: exit 2, one line naming the flag', () => {
  let dir = '';
  beforeAll(() => (dir = makeFixtureDir({ 'manifests/web.yaml': imageManifest('web') })));
  afterAll(() => removeFixtureDir(dir));
  const cli = (...args: string[]) => runCli(args, { cwd: dir, timeoutMs: 10_000 });

  it.each(
    [
      ['run', '--once', '--resync', '10x'],
      ['run', '--once', '--docker-timeout', '0'],
      ['plan', '--debounce', '1000h'],
    ].map((args) => [args.join(' '), args] as const),
  )('a bad duration: %s', (_, args) =>
    (args[0] === 'plan' ? expectPlanError : expectUsageError)(
      cli(...args, ...NO_DOCKER),
      `${args.at(-2)} must be a duration`,
      `"${args.at(-1)}"`,
    ),
  );

  it('a bad duration of wait', () =>
    expectUsageError(cli('wait', 'web', '--timeout', 'soon'), '--timeout must be a duration', '"soon"'));

  it('a whole number out of range', () => {
    expectUsageError(
      cli('run', '--once', '--concurrency', '0', ...NO_DOCKER),
      '--concurrency must be a whole number from 1 to 64 (got "0")',
    );
    expectPlanError(cli('plan', '--concurrency', '1.5', ...NO_DOCKER), '--concurrency');
  });

  it('a range the wrong way round', () =>
    expectUsageError(cli('run', '--once', '--port-range', '5-1', ...NO_DOCKER), '--port-range', '"5-1"'));

  it('a value not among the choices, with the near one named', () => {
    expectUsageError(
      cli('run', '--once', '--routes', 'cady', ...NO_DOCKER),
      '--routes must be none or caddy (got "cady"; did you mean caddy?)',
    );
    expectUsageError(
      cli('status', '-o', 'jsno'),
      '-o must be table, wide, json or yaml (got "jsno"; did you mean json?)',
    );
    expectUsageError(cli('wait', 'web', '--for', 'gone'), '--for must be ready');
    expectUsageError(
      cli('run', '--log-format', 'jsn', ...NO_DOCKER),
      '--log-format must be text or json (got "jsn"; did you mean json?)',
    );
  });

  it('an address that is no HOST:PORT', () => {
    expectUsageError(
      cli('run', '--health-addr', 'nonsense', ...NO_DOCKER),
      '--health-addr must be HOST:PORT',
      '"nonsense"',
    );
    expectUsageError(cli('run', '--health-addr', '127.0.0.1:70000', ...NO_DOCKER), '--health-addr', '70000');
    expectUsageError(cli('run', '--once', '--caddy-listen', 'a b:80', ...NO_DOCKER), '--caddy-listen');
  });

  it('a URL that is none', () => {
    expectUsageError(cli('run', '--once', '--docker-host', 'tcp://'), '--docker-host', '"tcp://"');
    expectUsageError(
      cli('run', '--once', '--caddy-admin', 'localhost:2019', ...NO_DOCKER),
      '--caddy-admin',
      '"localhost:2019"',
    );
    expectPlanError(runCli(['plan'], { cwd: dir, env: { DOCKER_HOST: 'bogus' } }), 'DOCKER_HOST', '"bogus"');
  });

  it('an ssh:// host with a path or a password (never echoed)', () => {
    expectUsageError(cli('run', '--once', '--docker-host', 'ssh://deploy@host/x'), '--docker-host', '"ssh://host/x"');
    expectUsageError(cli('run', '--once', '--docker-host', 'ssh://'), '--docker-host', 'ssh://user@host[:port]');
    const withPassword = runCli(['plan'], { cwd: dir, env: { DOCKER_HOST: 'ssh://deploy:hunter2@host' } });
    expectPlanError(withPassword, 'DOCKER_HOST: the user of an ssh:// host must be a plain user name');
    expect(withPassword.stderr).not.toContain('hunter2');
  });

  it('an unknown option, with the closest one suggested', () => {
    expectUsageError(
      cli('run', '--manfests', 'manifests', ...NO_DOCKER),
      'tinyforge run: unknown option --manfests (did you mean --manifests?)',
    );
    expectUsageError(
      cli('status', '--sate', 'x.json'),
      'tinyforge status: unknown option --sate (did you mean --state?)',
    );
    expectUsageError(
      cli('validate', '--frobnicate'),
      "tinyforge validate: unknown option --frobnicate; see 'tinyforge validate --help'",
    );
    expectUsageError(cli('run', '--once', ...NO_DOCKER, '--state'), 'tinyforge run: --state needs a value');
    expectUsageError(cli('status', '-o'), 'tinyforge status: --output needs a value');
    expectPlanError(
      cli('plan', '--manfests', 'manifests', ...NO_DOCKER),
      'tinyforge plan: unknown option --manfests (did you mean --manifests?)',
    );
  });

  it('a controller.key that is no key', () => {
    fs.mkdirSync(path.join(dir, 'broken-key'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'broken-key/controller.key'), 'not a key\n');
    const state = ['--state', 'broken-key/state.json'];
    expectRunConfigurationError(
      cli('run', '--once', ...state, ...NO_DOCKER),
      'controller.key is not a tinyforge controller key',
    );
    expectPlanError(cli('plan', ...state, ...NO_DOCKER), 'controller.key is not a tinyforge controller key');
  });

  it('an unknown command, with the closest one suggested', () => {
    expectUsageError(cli('stauts'), 'tinyforge: unknown command "stauts" (did you mean "status"?)');
    expectUsageError(cli('deploy'), `tinyforge: unknown command "deploy"; see 'tinyforge --help'`);
    expectUsageError(cli('schema', 'imgae'), 'tinyforge schema: unknown schema "imgae" (did you mean "image"?)');
  });

  it('a state path that cannot be used', () => {
    expectRunConfigurationError(
      cli('run', '--once', '--state', 'manifests/web.yaml/state.json', ...NO_DOCKER),
      '--state manifests/web.yaml/state.json: ',
      'not a folder',
    );
    expectPlanError(
      cli('plan', '--state', 'manifests/web.yaml/state.json', ...NO_DOCKER),
      '--state manifests/web.yaml/state.json: ',
      'not a folder',
    );
  });
});

describe('a health address that cannot be listened on', () => {
  let dir = '';
  let server: net.Server;
  let port = 0;
  beforeAll(async () => {
    dir = makeFixtureDir({ 'manifests/web.yaml': imageManifest('web') });
    server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as net.AddressInfo).port;
  });
  afterAll(() => {
    server.close();
    removeFixtureDir(dir);
  });

  it('is exit 2 before Docker is asked anything, with the state lock released', () => {
    const result = runCli(['run', '--health-addr', `127.0.0.1:${port}`, ...NO_DOCKER], { cwd: dir, timeoutMs: 10_000 });
    expectRunConfigurationError(result);
    expect(result.stderr.split('\n')[1]).toBe(`tinyforge: --health-addr 127.0.0.1:${port}: address already in use`);
    expect(fs.existsSync(path.join(dir, '.tinyforge/state.json.lock'))).toBe(false);
  });

  it('names an address this host does not have', () => {
    const args = ['run', '--health-addr', '192.0.2.1:9090', '--web-token', 'a-token-of-24-characters'];
    const result = runCli([...args, ...NO_DOCKER], { cwd: dir, timeoutMs: 10_000 });
    expectRunConfigurationError(result, '--health-addr 192.0.2.1:9090: address not available on this host');
  });
});
