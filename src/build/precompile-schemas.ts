import fs from 'node:fs';
import path from 'node:path';
import standalone from 'ajv/dist/standalone/index.js';
import { GENERATED_DIR } from '../adapters/precompiled.js';
import { readSchemaFiles } from '../adapters/schema-files.js';
import { STATE_SCHEMA, stateSchemaSet } from '../adapters/state-validator.js';
import { schemaFingerprint } from '../manifest/schema-set.js';
import type { SchemaSet } from '../manifest/schema-set.js';
import { createAjv, ENTRY_POINTS, MANIFEST_VALIDATORS } from '../manifest/schema-validator.js';

/**
 * Build step: compiles the schemas ahead of time with ajv's standalone code, into
 * dist/generated/, so the CLI starts without ~130 ms of schema compilation: the manifest
 * entry points in one module, the state file's schema alone in another (`status` needs
 * nothing else). Each module carries its schemas' fingerprint; a mismatch at run time
 * (schemas edited after the build) falls back to compiling them live.
 */
precompile(MANIFEST_VALIDATORS, readSchemaFiles(), ENTRY_POINTS);
precompile(STATE_SCHEMA.compiled, stateSchemaSet(), { state: STATE_SCHEMA.id });

function precompile(file: string, schemas: SchemaSet, entryPoints: Record<string, string>): void {
  const ajv = createAjv(schemas, { source: true });
  // ajv ships CommonJS: under NodeNext its default export is the module object.
  const code = standalone.default(ajv, entryPoints);
  const out = path.join(GENERATED_DIR, file);
  fs.mkdirSync(GENERATED_DIR, { recursive: true });
  fs.writeFileSync(out, `${code}\nmodule.exports.fingerprint = ${JSON.stringify(schemaFingerprint(schemas))};\n`);
  process.stdout.write(`precompiled schemas: ${path.relative(process.cwd(), out)} (${Math.round(code.length / 1024)} KiB)\n`);
}
