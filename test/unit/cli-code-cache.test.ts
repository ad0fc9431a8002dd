import { spawn } from 'node:child_process';
import fs from 'node:fs';
import module from 'node:module';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { imageManifest, makeFixtureDir, removeFixtureDir } from '../support/fixture-dir.js';
import { BIN, runCli } from '../support/run-cli.js';

/** Node 22.1 and later cache compiled code themselves: the bin turns that on, and its own cache is for older Node. */
const NODE_HAS_COMPILE_CACHE = typeof (module as { enableCompileCache?: unknown }).enableCompileCache === 'function';

const dir = makeFixtureDir({ 'manifests/web.yaml': imageManifest('web') });
afterAll(() => removeFixtureDir(dir));

let cacheRoot = '';
let round = 0;
beforeEach(() => {
  cacheRoot = path.join(dir, `cache-${round++}`);
});

const validate = (env: NodeJS.ProcessEnv = {}) =>
  runCli(['validate', 'manifests'], { cwd: dir, env: { NODE_COMPILE_CACHE: cacheRoot, ...env } });
// No engine at this socket: the pass fails to list (exit 3) after loading all it needs to.
const runOnce = () =>
  runCli(['run', '--once', '--docker-host', `unix://${path.join(dir, 'no-engine.sock')}`], {
    cwd: dir,
    env: { NODE_COMPILE_CACHE: cacheRoot },
  });

/** The long-running controller (no engine there), stopped with SIGTERM once it reported the pass's failure. */
function controller(env: NodeJS.ProcessEnv = { NODE_COMPILE_CACHE: cacheRoot }): Promise<number | null> {
  const child = spawn(process.execPath, [BIN, 'run', '--docker-host', `unix://${path.join(dir, 'no-engine.sock')}`], {
    cwd: dir,
    env: { ...process.env, ...env },
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    if (stderr.includes('Docker is unreachable')) child.kill('SIGTERM');
  });
  return new Promise((resolve) => child.on('exit', (code) => resolve(code)));
}

/**
 * The code cache files under a folder (the root) with the time each was last written (a
 * rewrite changes it); not the manifest loads kept beside them (load-cache.test.ts).
 */
function cacheFiles(root = cacheRoot): Map<string, number> {
  const files = new Map<string, number>();
  if (!fs.existsSync(root)) return files;
  for (const entry of fs.readdirSync(root, { recursive: true, withFileTypes: true })) {
    const file = path.join(entry.parentPath, entry.name);
    if (entry.isFile() && !entry.parentPath.includes('tinyforge-manifests-'))
      files.set(file, fs.statSync(file).mtimeMs);
  }
  return files;
}

// Each Node asserts the cache it has: nothing here is skipped on either.
if (NODE_HAS_COMPILE_CACHE) describe("Node's own compile cache (Node 22.1 and later)", nodesOwnCache);
else describe("the bin's code cache (Node without a compile cache of its own)", binsOwnCache);

function binsOwnCache(): void {
  it('is written by the first start and read, not written again, by the next', () => {
    expect(validate().code).toBe(0);
    const first = cacheFiles();
    // The bundle's, and the precompiled manifest validators' (dist/generated).
    expect(first.size).toBe(2);
    const [file] = [...first.keys()];
    expect(fs.statSync(file!).mode & 0o077).toBe(0);
    expect(fs.statSync(path.dirname(file!)).mode & 0o077).toBe(0);
    expect(validate().code).toBe(0);
    // V8 accepted it: a cache it refused would have been made again.
    expect(cacheFiles()).toEqual(first);
  });

  it('keeps run --once and the controller (whose V8 flags differ) apart from other commands, each accepted at its next start', async () => {
    expect(validate().code).toBe(0);
    expect(cacheFiles().size).toBe(2);
    // Its own bundle cache; the manifest validators' is validate's (the same flags).
    expect(runOnce().code).toBe(3);
    expect(cacheFiles().size).toBe(3);
    // The state file validators', now that the first wrote a state file.
    expect(runOnce().code).toBe(3);
    expect(cacheFiles().size).toBe(4);
    // Its bundle cache, and under its V8 flags the manifest and the state file validators'.
    expect(await controller()).toBe(0);
    const all = cacheFiles();
    expect(all.size).toBe(7);
    expect(await controller()).toBe(0);
    expect(runOnce().code).toBe(3);
    expect(validate().code).toBe(0);
    expect(cacheFiles()).toEqual(all);
  });

  it('a damaged cache is refused, the command runs as usual and the cache is made again', () => {
    const clean = validate();
    const [file] = [...cacheFiles().keys()];
    fs.writeFileSync(file!, Buffer.alloc(4096, 0x5a));
    const again = validate();
    expect(again).toEqual(clean);
    expect(fs.readFileSync(file!).equals(Buffer.alloc(4096, 0x5a))).toBe(false);
    const remade = cacheFiles();
    expect(validate().code).toBe(0);
    expect(cacheFiles()).toEqual(remade);
  });

  it('a cache folder that cannot be made, or that others may write, is not used and fails nothing', () => {
    const clean = validate({ NODE_COMPILE_CACHE: path.join(dir, 'no-cache') });
    expect(clean.code).toBe(0);
    fs.writeFileSync(path.join(dir, 'a-file'), '');
    expect(validate({ NODE_COMPILE_CACHE: path.join(dir, 'a-file') })).toEqual(clean);
    fs.mkdirSync(cacheRoot);
    const folder = path.join(cacheRoot, `tinyforge-v8-${process.getuid?.() ?? 'user'}`);
    fs.mkdirSync(folder);
    fs.chmodSync(folder, 0o777);
    expect(validate()).toEqual(clean);
    expect(fs.readdirSync(folder)).toEqual([]);
  });

  it('NODE_DISABLE_COMPILE_CACHE=1 turns it off', () => {
    expect(validate({ NODE_DISABLE_COMPILE_CACHE: '1' }).code).toBe(0);
    expect(cacheFiles().size).toBe(0);
  });
}

function nodesOwnCache(): void {
  // Unset, NODE_COMPILE_CACHE would have Node cache from its start; then only the bin
  // turns the cache on, in its default folder under the temporary one.
  const tmp = () => path.join(cacheRoot, 'tmp');
  const defaults = () => {
    fs.mkdirSync(tmp(), { recursive: true });
    return { NODE_COMPILE_CACHE: undefined, TMPDIR: tmp() };
  };
  const start = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    runCli(args, { cwd: dir, env: { ...defaults(), ...env } });
  const nodeCache = () => cacheFiles(path.join(tmp(), 'node-compile-cache'));
  const noEngine = ['run', '--once', '--docker-host', `unix://${path.join(dir, 'no-engine.sock')}`];

  it('is turned on by the bin, written by the first start and accepted, not written again, by the next', () => {
    const first = start(['validate', 'manifests']);
    expect(first.code).toBe(0);
    const written = nodeCache();
    // The bundle's and the manifest validators' at least; not the bin's own cache.
    expect(written.size).toBeGreaterThanOrEqual(2);
    expect(fs.readdirSync(tmp()).filter((name) => name.startsWith('tinyforge-v8'))).toEqual([]);
    const debug = start(['validate', 'manifests'], { NODE_DEBUG_NATIVE: 'COMPILE_CACHE' });
    expect(debug.code).toBe(0);
    expect(debug.stderr).toMatch(/V8 code cache for CommonJS \S+\/dist\/bundle\.cjs was accepted/);
    expect(nodeCache()).toEqual(written);
  });

  it('keeps the controller (whose V8 flags differ) in a folder of its own, each command accepted at its next start', async () => {
    expect(start(['validate', 'manifests']).code).toBe(0);
    expect(start(noEngine).code).toBe(3);
    // The second loads the state file validators too, now that the first wrote a state file.
    expect(start(noEngine).code).toBe(3);
    expect(await controller(defaults())).toBe(0);
    const all = nodeCache();
    expect(new Set([...all.keys()].map((file) => path.dirname(file))).size).toBe(2);
    expect(await controller(defaults())).toBe(0);
    expect(start(noEngine).code).toBe(3);
    expect(start(['validate', 'manifests']).code).toBe(0);
    expect(nodeCache()).toEqual(all);
  });

  it('a damaged cache is refused, the command runs as usual and the cache is made again', () => {
    const clean = start(['validate', 'manifests']);
    for (const file of nodeCache().keys()) fs.writeFileSync(file, Buffer.alloc(4096, 0x5a));
    expect(start(['validate', 'manifests'])).toEqual(clean);
    const remade = nodeCache();
    for (const file of remade.keys()) expect(fs.readFileSync(file).equals(Buffer.alloc(4096, 0x5a))).toBe(false);
  });

  it('NODE_DISABLE_COMPILE_CACHE=1 turns it off', () => {
    expect(start(['validate', 'manifests'], { NODE_DISABLE_COMPILE_CACHE: '1' }).code).toBe(0);
    expect(nodeCache().size).toBe(0);
  });
}
