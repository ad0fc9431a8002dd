import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageManifest, makeFixtureDir, removeFixtureDir } from '../support/fixture-dir.js';
import { BIN, PROJECT_ROOT } from '../support/run-cli.js';

/**
 * Every module a process of the built CLI loaded, ES modules (through a loader hook) and
 * CommonJS ones (Node's module cache at exit) alike, as file paths. `unbundled`: the CLI
 * from tsc's modules in dist/ instead of the bin's bundle, to see which of them load.
 * `caches`: the folder of the caches a run keeps for the next (NODE_COMPILE_CACHE), a new
 * one unless given: what an earlier run kept changes what a run loads.
 */
function modulesLoaded(
  args: string[],
  cwd: string,
  { unbundled = true, caches = fs.mkdtempSync(path.join(cwd, 'caches-')) } = {},
): { code: number | null; modules: string[]; stderr: string } {
  const log = path.join(cwd, 'modules.log');
  fs.rmSync(log, { force: true });
  const entry = unbundled ? path.join(cwd, 'unbundled-main.mjs') : BIN;
  const result = spawnSync(process.execPath, ['--import', path.join(cwd, 'record-modules.mjs'), entry, ...args], {
    cwd,
    env: { ...process.env, TINYFORGE_MODULE_LOG: log, NODE_COMPILE_CACHE: caches },
    encoding: 'utf8',
    timeout: 60_000,
  });
  const modules = fs
    .readFileSync(log, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((entry) => (entry.startsWith('file:') ? new URL(entry).pathname : entry));
  return { code: result.status, modules, stderr: result.stderr };
}

const DIST = path.join(PROJECT_ROOT, 'dist');

const RECORDER = {
  // What src/main.ts does, from dist/cli/ (the bin itself is the bundle).
  'unbundled-main.mjs': [
    `import { runCli } from '${DIST}/cli/cli.js';`,
    `import { exitAfterOutput, processOutput } from '${DIST}/cli/output.js';`,
    'runCli(process.argv.slice(2), processOutput).then(exitAfterOutput);',
  ].join('\n'),
  'record-modules.mjs': [
    "import fs from 'node:fs';",
    "import module, { createRequire, register } from 'node:module';",
    "register('./record-hooks.mjs', import.meta.url);",
    '// Node 22.1+ has it, older Node not: noted either way when the CLI turns it on.',
    "module.enableCompileCache = () => fs.appendFileSync(process.env.TINYFORGE_MODULE_LOG, 'compile cache enabled\\n');",
    'const cache = createRequire(import.meta.url).cache;',
    "process.on('exit', () => fs.appendFileSync(process.env.TINYFORGE_MODULE_LOG, Object.keys(cache).join('\\n') + '\\n'));",
  ].join('\n'),
  'record-hooks.mjs': [
    "import fs from 'node:fs';",
    'export async function load(url, context, next) {',
    "  fs.appendFileSync(process.env.TINYFORGE_MODULE_LOG, url + '\\n');",
    '  return next(url, context);',
    '}',
  ].join('\n'),
};

/** A file of the build (`dist/...`), a package's file (`ajv/dist/core.js`) or any file of a package (`ssh2`). */
const loaded = (modules: string[], part: string) =>
  modules.some((file) =>
    file.includes(part.startsWith('dist/') ? `/${part}` : `/node_modules/${part}${part.endsWith('.js') ? '' : '/'}`),
  );

describe('what a command loads at start-up', () => {
  let dir = '';
  beforeAll(() => {
    dir = makeFixtureDir({ ...RECORDER, 'manifests/web.yaml': imageManifest('web') });
  });
  afterAll(() => removeFixtureDir(dir));

  it('records ES and CommonJS modules alike (the check can see what it looks for)', () => {
    const { modules } = modulesLoaded(['validate', 'manifests'], dir);
    expect(loaded(modules, 'dist/cli/validate-command.js')).toBe(true);
    expect(loaded(modules, 'yaml')).toBe(true);
  });

  it('validate loads neither Docker, the controller, the state store, prom-client nor ajv itself', () => {
    const { code, modules, stderr } = modulesLoaded(['validate', 'manifests'], dir);
    expect(code, stderr).toBe(0);
    for (const part of [
      'dockerode',
      'docker-modem',
      'lowdb',
      'chokidar',
      'ajv/dist/core.js',
      'dist/app.js',
      'prom-client',
    ])
      expect(loaded(modules, part), part).toBe(false);
    // The build's precompiled validators need only ajv's small runtime helpers.
    expect(modules.filter((file) => file.includes('/node_modules/ajv/')).every((f) => f.includes('/runtime/'))).toBe(
      true,
    );
  });

  it('events and describe read the state file without loading Docker or the controller', () => {
    for (const args of [['events'], ['describe', 'web']]) {
      // No state file here: each answers exit 1 once it has loaded what it reads the state with.
      const { code, modules, stderr } = modulesLoaded(args, dir);
      expect(code, stderr).toBe(1);
      expect(stderr).toContain('no state file');
      for (const part of ['dockerode', 'docker-modem', 'chokidar', 'dist/app.js', 'dist/app-logs.js'])
        expect(loaded(modules, part), `${args[0]}: ${part}`).toBe(false);
    }
  });

  it('run --once loads dockerode without SSH, BuildKit sessions or tar, and no watcher, health server, metrics or Swarm', () => {
    // No engine at this socket: the pass fails to list (exit 3) after loading all it needs to.
    const socket = `unix://${path.join(dir, 'no-engine.sock')}`;
    const { code, modules, stderr } = modulesLoaded(['run', '--once', '--docker-host', socket], dir);
    expect(code, stderr).toBe(3);
    expect(loaded(modules, 'dockerode')).toBe(true);
    // tar-fs itself is in the module cache as its stand-in: what it would load is not.
    for (const part of [
      'ssh2',
      '@grpc/grpc-js',
      'protobufjs',
      'tar-stream',
      'chokidar',
      'ajv/dist/core.js',
      'prom-client',
    ])
      expect(loaded(modules, part), part).toBe(false);
    for (const part of [
      'app-daemon.js',
      'app-swarm.js',
      'adapters/health-server.js',
      'adapters/caddy-routes.js',
      'adapters/metrics.js',
    ])
      expect(loaded(modules, `dist/${part}`), part).toBe(false);
    // What dials an ssh:// host (known_hosts, keys, node:crypto with them) waits for one.
    expect(loaded(modules, 'dist/adapters/ssh-dial.js')).toBe(false);
    expect(loaded(modules, 'dist/adapters/known-hosts.js')).toBe(false);
  });

  it('validate, plan and run --once load no notifier: it is for the long-running run with --notify', () => {
    const socket = `unix://${path.join(dir, 'no-engine.sock')}`;
    const notifier = ['app-notifications.js', 'adapters/notifier.js', 'adapters/notification-body.js'];
    for (const args of [
      ['validate', 'manifests'],
      ['plan', '--docker-host', socket],
      ['run', '--once', '--docker-host', socket],
    ]) {
      const { modules } = modulesLoaded(args, dir);
      expect(loaded(modules, 'dist/cli/notify-flags.js'), args[0]).toBe(args[0] !== 'validate');
      for (const part of [...notifier, 'reconcile/phase-notifications.js'])
        expect(loaded(modules, `dist/${part}`), `${args[0]}: ${part}`).toBe(false);
    }
  });

  it('the bin is a launcher and one bundle, run with the compile cache on: beside them only the precompiled validators and ajv runtime helpers (dockerode is in the bundle)', () => {
    const socket = `unix://${path.join(dir, 'no-engine.sock')}`;
    const { code, modules, stderr } = modulesLoaded(['run', '--once', '--docker-host', socket], dir, {
      unbundled: false,
    });
    expect(code, stderr).toBe(3);
    expect(modules).toContain('compile cache enabled');
    const files = modules.filter((file) => file.startsWith('/'));
    const fromDist = files.filter((file) => file.startsWith(`${DIST}/`)).map((file) => path.relative(DIST, file));
    expect(fromDist.sort()).toEqual([
      'bundle.cjs',
      'generated/schema-validators.cjs',
      'generated/state-validator.cjs',
      'main.js',
    ]);
    // From node_modules only ajv's runtime helpers, and the stand-ins of what dockerode never uses here.
    const fromPackages = files.flatMap((file) => /\/node_modules\/(.+)$/.exec(file)?.slice(1) ?? []);
    expect(fromPackages.filter((file) => !file.startsWith('ajv/dist/runtime/')).sort()).toEqual([
      'docker-modem/lib/ssh.js',
      'dockerode/lib/session.js',
      'tar-fs/index.js',
    ]);
  });

  it('a run --once whose manifests did not change since the last reads them from what it kept: no schema validators load', () => {
    const socket = `unix://${path.join(dir, 'no-engine.sock')}`;
    const caches = fs.mkdtempSync(path.join(dir, 'caches-'));
    const run = () => modulesLoaded(['run', '--once', '--docker-host', socket], dir, { unbundled: false, caches });
    const validators = (modules: string[]) => loaded(modules, 'dist/generated/schema-validators.cjs');
    const kept = () => fs.readdirSync(caches, { recursive: true }).filter((f) => String(f).endsWith('.json'));
    // plan writes nothing: it keeps no load for the run after it, and makes no folder for one.
    expect(modulesLoaded(['plan', '--docker-host', socket], dir, { unbundled: false, caches }).code).toBe(1);
    expect(fs.readdirSync(caches).filter((name) => name.startsWith('tinyforge-manifests-'))).toEqual([]);
    const first = run();
    expect(first.code, first.stderr).toBe(3);
    expect(validators(first.modules)).toBe(true);
    const second = run();
    expect(second.code, second.stderr).toBe(3);
    expect(validators(second.modules)).toBe(false);
    expect(kept()).toHaveLength(1);
    // wait reads what run --once kept, and keeps nothing of its own.
    const entry = path.join(caches, String(kept()[0]));
    const keptText = fs.readFileSync(entry, 'utf8');
    const wait = () =>
      modulesLoaded(['wait', 'web', '--timeout', '200ms', '--docker-host', socket], dir, { unbundled: false, caches });
    const waited = wait();
    expect(waited.stderr).toContain('timed out');
    expect(validators(waited.modules)).toBe(false);
    fs.appendFileSync(path.join(dir, 'manifests/web.yaml'), '  replicas: 2\n');
    expect(validators(wait().modules)).toBe(true);
    expect(fs.readFileSync(entry, 'utf8')).toBe(keptText);
    expect(validators(run().modules)).toBe(true);
    expect(fs.readFileSync(entry, 'utf8')).not.toBe(keptText);
  });
});
