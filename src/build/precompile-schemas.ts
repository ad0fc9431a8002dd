import fs from 'node:fs';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import standalone from 'ajv/dist/standalone/index.js';
import { GENERATED_DIR } from '../adapters/precompiled.js';
import { readSchemaFiles, schemaFilesFingerprint } from '../adapters/schema-files.js';
import { STATE_SCHEMA, stateDocuments, stateSchemaSet } from '../adapters/state-validator.js';
import {
  bundleEntryPoints,
  createAjv,
  ENTRY_POINTS,
  entryDocuments,
  MANIFEST_VALIDATORS,
} from '../manifest/schema-validator.js';
import type { SchemaDocuments } from '../manifest/schema-validator.js';

/**
 * Build step: compiles the schemas ahead of time with ajv's standalone code, into
 * dist/generated/, so the CLI starts without ~130 ms of schema compilation: the manifest
 * entry points in one module, the state file's schema alone in another (`status` needs
 * nothing else). Each module carries its schemas' fingerprint; a mismatch at run time
 * (schemas edited after the build) falls back to compiling them live.
 */
const schemas = readSchemaFiles();
precompile(
  MANIFEST_VALIDATORS,
  entryDocuments(bundleEntryPoints(schemas)),
  ENTRY_POINTS,
  schemaFilesFingerprint(schemas),
);
const state = stateSchemaSet();
precompile(STATE_SCHEMA.compiled, stateDocuments(state), { state: STATE_SCHEMA.id }, schemaFilesFingerprint(state));

function precompile(
  file: string,
  documents: SchemaDocuments,
  entryPoints: Record<string, string>,
  fingerprint: string,
): void {
  const ajv = createAjv(Ajv2020, documents, { source: true });
  // ajv ships CommonJS: under NodeNext its default export is the module object.
  const code = standalone.default(ajv, entryPoints);
  const out = path.join(GENERATED_DIR, file);
  fs.mkdirSync(GENERATED_DIR, { recursive: true });
  fs.writeFileSync(out, `${code}\nmodule.exports.fingerprint = ${JSON.stringify(fingerprint)};\n`);
  process.stdout.write(
    `precompiled schemas: ${path.relative(process.cwd(), out)} (${Math.round(code.length / 1024)} KiB)\n`,
  );
}
