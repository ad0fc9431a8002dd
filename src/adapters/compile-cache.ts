import crypto from 'node:crypto';
import fs from 'node:fs';
import module, { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import vm from 'node:vm';
import zlib from 'node:zlib';
import { readCacheFile, userCacheFolder, writeCacheFile } from './user-cache-folder.js';

type CommonJsBody = (
  exports: object,
  require: NodeJS.Require,
  module: { exports: object },
  filename: string,
  dirname: string,
) => void;

/**
 * Runs a CommonJS file (the CLI's bundle) from V8's compiled code when a cache of it
 * exists, so that a start does not parse and compile the file again. Node 22.1 and later
 * have this built in (`module.enableCompileCache()`, on for everything loaded after it);
 * on older Node the file is compiled through `vm.Script` with the cached data V8 made at
 * the end of an earlier run (the functions that run compiled too), kept where Node 22
 * keeps its own. Call it after setting any V8 flag: V8 refuses code cached under other
 * flags. Runs of another `variant` keep a cache of their own (it holds the functions the
 * run that made it compiled). NODE_DISABLE_COMPILE_CACHE=1 turns either off; a cache
 * that is missing, stale or refused is made again at exit, and one that cannot be read
 * or written only costs the time it would have saved.
 */
export function runCompiled(url: URL, variant = ''): void {
  const file = fileURLToPath(url);
  const builtIn = module as { enableCompileCache?: () => unknown };
  if (builtIn.enableCompileCache !== undefined) {
    try {
      builtIn.enableCompileCache();
    } catch {
      // No cache: the file compiles as usual.
    }
    createRequire(file)(file);
    return;
  }
  runFromCodeCache(file, variant);
}

/**
 * `require(file)` for a large CommonJS file of the build's (the precompiled schema
 * validators), run from V8's code cache on Node 20 as the bundle is (runCompiled):
 * Node 22's own cache, once runCompiled turned it on, covers what `require` loads.
 * Each file runs once per process, as under `require`.
 */
export function requireCompiled(file: string): unknown {
  const known = compiledModules.get(file);
  if (known !== undefined) return known;
  const loaded =
    (module as { enableCompileCache?: unknown }).enableCompileCache !== undefined
      ? createRequire(file)(file)
      : runFromCodeCache(file, '');
  compiledModules.set(file, loaded);
  return loaded;
}

const compiledModules = new Map<string, unknown>();

const FLAGS_KEY = Symbol.for('tinyforge.v8-flags-set-at-run-time');

function runFromCodeCache(file: string, variant: string): unknown {
  const source = fs.readFileSync(file, 'utf8');
  const cacheFile = process.env.NODE_DISABLE_COMPILE_CACHE ? undefined : cacheFileFor(file, source, variant);
  const cachedData = cacheFile === undefined ? undefined : readCacheFile(cacheFile);
  // Node's own CommonJS wrapper, so that the file runs as `require` would run it.
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: file,
    cachedData,
  });
  if (cacheFile !== undefined && (cachedData === undefined || script.cachedDataRejected)) {
    process.once('exit', () => writeCacheFile(cacheFile, () => script.createCachedData()));
  }
  const body = script.runInThisContext() as CommonJsBody;
  const exported = { exports: {} };
  body.call(exported.exports, exported.exports, createRequire(file), exported, file, path.dirname(file));
  return exported.exports;
}

/**
 * The cache's file for this source and variant under this Node and these flags (V8's
 * own, from the command line and NODE_OPTIONS, and those set at run time before the file
 * compiles), in a folder of this user's that no one else may write; undefined when there
 * is none. The source is told apart by its CRC-32, as Node's own compile cache does
 * (a tenth of a SHA-256 of the megabyte here), and by its length, which V8 checks too;
 * and by its path, as cached code keeps the name of the file it was made from (a copy
 * elsewhere would report that file in its stack traces).
 */
function cacheFileFor(file: string, source: string, variant: string): string | undefined {
  const context = JSON.stringify([process.version, process.arch, process.execArgv, process.env.NODE_OPTIONS ?? '']);
  const key = crypto
    .createHash('sha256')
    .update(`${zlib.crc32(source)}:${source.length}:${file}`)
    .update(context)
    .update(JSON.stringify([v8FlagsSetAtRunTime, variant]))
    .digest('hex')
    .slice(0, 32);
  const folder = userCacheFolder('v8');
  return folder === undefined ? undefined : path.join(folder, `${key}.v8cache`);
}

/**
 * V8 flags this process set since it started, in order (see setV8Flag). Kept on the
 * global object: the launcher and the bundle each hold a copy of this module, and the
 * bundle's must see the flags the launcher set.
 */
const v8FlagsSetAtRunTime = sharedFlagList(globalThis as { [FLAGS_KEY]?: string[] });

function sharedFlagList(global: { [FLAGS_KEY]?: string[] }): string[] {
  global[FLAGS_KEY] ??= [];
  return global[FLAGS_KEY];
}

/**
 * Sets a V8 flag at run time and keeps code cached under it apart from code cached
 * without (V8 would refuse either under the other's flags).
 */
export function setV8Flag(flag: string): void {
  v8.setFlagsFromString(flag);
  v8FlagsSetAtRunTime.push(flag);
}
