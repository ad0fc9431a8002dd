import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { BUILD_ID_FILE, GENERATED_DIR } from '../adapters/precompiled.js';

/**
 * Build step: the bin is two files. dist/bundle.cjs holds the CLI (src/cli/start.ts),
 * tinyforge's modules and the packages they import (yaml, lowdb, chokidar), so that a
 * start reads and compiles one file instead of resolving some 200; dist/main.js is the
 * small launcher that sets the command's V8 flags and runs the bundle from V8's code
 * cache (src/adapters/compile-cache.ts: a CommonJS file is what Node 20 can cache). tsc
 * stays the type check and writes the rest of dist/ as before. Modules still load
 * lazily: a dynamic import() only runs its module when reached. dockerode is bundled
 * too, but for its parts tinyforge never uses (see leaveOnDisk), with Node's own streams
 * for readable-stream (about 90 KiB less to read at each start); ajv stays in
 * node_modules (the precompiled validators need its small runtime helpers). Code that
 * finds files next to its own module (dist/generated, dist/sandbox, schemas/) was one
 * folder below dist/: the bundle tells it so.
 */
const DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MAIN = path.join(DIST, 'main.js');
const BUNDLE = path.join(DIST, 'bundle.cjs');

/** What dockerode requires and tinyforge never uses on a local engine (src/adapters/dockerode-on-first-use.ts). */
const ON_DISK = new Set(['docker-modem/lib/ssh.js', 'dockerode/lib/session.js', 'dockerode/lib/buildkit.js', 'tar-fs']);

/**
 * Leaves the modules of ON_DISK out of the bundle: each is required from dockerode's own
 * folder in node_modules when first reached, where the stand-ins that load the real
 * module on first use wait (and where BuildKit's module loads only when a build asks).
 */
const leaveOnDisk: Plugin = {
  name: 'leave-on-disk',
  setup(on) {
    on.onResolve({ filter: /^(\.\/(ssh|session|buildkit)|tar-fs)$/ }, (args) => {
      const fromPackage = /node_modules\/((?:dockerode|docker-modem)\/lib)\/[^/]+$/.exec(args.importer)?.[1];
      if (fromPackage === undefined) return undefined;
      const name = args.path.startsWith('./') ? `${fromPackage}/${args.path.slice(2)}.js` : args.path;
      if (!ON_DISK.has(name)) return undefined;
      return { path: name, namespace: 'on-disk' };
    });
    on.onLoad({ filter: /.*/, namespace: 'on-disk' }, (args) => ({
      contents: `module.exports = require('node:module').createRequire(require.resolve('dockerode'))(${JSON.stringify(args.path)});`,
      loader: 'js',
    }));
  },
};

/**
 * docker-modem formats every request it sends for its debug log, `util.inspect(options,
 * {showHidden: true, depth: null})`, before asking whether that log is on: it walks the
 * request's HTTP agent down to each socket: 4-5 ms of CPU a call, 370 of the 590 ms a first
 * pass of 40 containers used, taken from the engine on a small host. The bundle formats it
 * only when `DEBUG` turns that log on; a docker-modem without that line fails the build.
 */
const MODEM_SENDING = "debug('Sending: %s', util.inspect(options, {";
const formatOnlyWhenLogged: Plugin = {
  name: 'format-only-when-logged',
  setup(on) {
    on.onLoad({ filter: /docker-modem[\\/]lib[\\/]modem\.js$/ }, (args) => {
      const source = fs.readFileSync(args.path, 'utf8');
      if (source.split(MODEM_SENDING).length !== 2)
        throw new Error(`${args.path}: its debug line changed (not there once); see formatOnlyWhenLogged`);
      return { contents: source.replace(MODEM_SENDING, `if (debug.enabled) ${MODEM_SENDING}`), loader: 'js' };
    });
  },
};

const common = { bundle: true, platform: 'node', target: 'node20', metafile: true, logLevel: 'warning' } as const;

const launcher = await build({ ...common, entryPoints: [MAIN], outfile: MAIN, allowOverwrite: true, format: 'esm' });
const cli = await build({
  ...common,
  entryPoints: [path.join(DIST, 'cli/start.js')],
  outfile: BUNDLE,
  format: 'cjs',
  plugins: [leaveOnDisk, formatOnlyWhenLogged],
  // Only the long-running `run` with --health-addr loads it: left in node_modules, no other start reads it.
  external: ['prom-client'],
  // docker-modem's streams package is a copy of Node's own streams of 2018: Node's serve it.
  alias: { 'readable-stream': 'node:stream' },
  define: { 'import.meta.url': '__tinyforgeModuleUrl' },
  banner: {
    js: "const __tinyforgeModuleUrl = require('node:url').pathToFileURL(require('node:path').join(__dirname, 'bundle', 'main.js')).href;",
  },
});
for (const [file, result] of [
  [MAIN, launcher],
  [BUNDLE, cli],
] as const) {
  const bytes = Object.values(result.metafile.outputs).reduce((sum, output) => sum + output.bytes, 0);
  process.stdout.write(`bundle: ${path.relative(process.cwd(), file)} (${Math.round(bytes / 1024)} KiB)\n`);
}

/**
 * The build's ID: a hash of what loading manifests runs (the bundle, the precompiled
 * validators, the schemas). A kept load serves only the build that made it (load-cache.ts).
 */
function writeBuildId(): void {
  const schemas = path.join(DIST, '..', 'schemas');
  const files = [
    BUNDLE,
    ...fs.readdirSync(GENERATED_DIR).map((name) => path.join(GENERATED_DIR, name)),
    ...fs.readdirSync(schemas).map((name) => path.join(schemas, name)),
  ].filter((file) => path.basename(file) !== BUILD_ID_FILE);
  const hash = createHash('sha256');
  for (const file of files.sort()) hash.update(`${path.relative(DIST, file)}\0`).update(fs.readFileSync(file));
  fs.writeFileSync(path.join(GENERATED_DIR, BUILD_ID_FILE), `${hash.digest('hex')}\n`);
}

writeBuildId();
