import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Build step: the sandbox's files that are not TypeScript (src/sandbox/: the engine
 * script, the demo image's program, the demo's manifests) go beside the compiled code,
 * to dist/sandbox/, where `tinyforge demo` finds them.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const from = path.resolve(here, '../../src/sandbox');
const to = path.resolve(here, '../sandbox');
fs.rmSync(to, { recursive: true, force: true });
fs.cpSync(from, to, { recursive: true });
process.stdout.write(`sandbox files: ${path.relative(process.cwd(), to)}\n`);
