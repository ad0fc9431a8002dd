import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/**
 * Build step: dist/main.js (the bin) becomes one file holding the CLI, tinyforge's
 * modules and the packages they import (yaml, lowdb, chokidar), so that a start reads and
 * compiles one file instead of resolving some 200; tsc stays the type check and writes
 * the rest of dist/ as before. Modules still load lazily: a dynamic import() only runs
 * its module when reached. dockerode and ajv stay in node_modules (loaded with require,
 * dockerode's unused parts on first use). Code that finds files next to its own module
 * (dist/generated, dist/sandbox, schemas/) was one folder below dist/: the bundle tells
 * it so.
 */
const DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MAIN = path.join(DIST, 'main.js');

const result = await build({
  entryPoints: [MAIN],
  outfile: MAIN,
  allowOverwrite: true,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  metafile: true,
  logLevel: 'warning',
  define: { 'import.meta.url': '__tinyforgeModuleUrl' },
  banner: {
    js: [
      // (Two strings: an import written in one would read as this script's own to test/unit/architecture.test.ts.)
      ['import { createRequire as __tinyforgeCreateRequire }', "from 'node:module';"].join(' '),
      // The packages bundled as CommonJS require Node's own modules.
      'const require = __tinyforgeCreateRequire(import.meta.url);',
      "const __tinyforgeModuleUrl = new URL('./bundle/main.js', import.meta.url).href;",
    ].join('\n'),
  },
});
const bytes = Object.values(result.metafile.outputs).reduce((sum, output) => sum + output.bytes, 0);
process.stdout.write(`bundle: ${path.relative(process.cwd(), MAIN)} (${Math.round(bytes / 1024)} KiB)\n`);
