import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import standalone from 'ajv/dist/standalone/index.js';
import { readSchemaFiles } from '../adapters/schema-files.js';
import { schemaFingerprint } from '../manifest/schema-set.js';
import { bundleEntryPoints, createAjv, ENTRY_POINTS } from '../manifest/schema-validator.js';

/**
 * Build step: compiles the manifest schemas ahead of time with ajv's standalone code,
 * into dist/generated/schema-validators.cjs, so the CLI starts without ~130 ms of
 * schema compilation. The file carries the schemas' fingerprint; a mismatch at run
 * time (schemas edited after the build) falls back to compiling them live.
 */
const schemas = readSchemaFiles();
const ajv = createAjv(bundleEntryPoints(schemas), { source: true });
// ajv ships CommonJS: under NodeNext its default export is the module object.
const code = standalone.default(ajv, ENTRY_POINTS);
const out = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../generated/schema-validators.cjs');
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, `${code}\nmodule.exports.fingerprint = ${JSON.stringify(schemaFingerprint(schemas))};\n`);
process.stdout.write(`precompiled schemas: ${path.relative(process.cwd(), out)} (${Math.round(code.length / 1024)} KiB)\n`);
