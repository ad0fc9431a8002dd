import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SchemaSet } from '../manifest/schema-set.js';

/** schemas/ of the installed package: two levels above this file in both src/ and dist/. */
export const SCHEMA_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../schemas');

/** Reads every `*.schema.json` of schemas/. A missing or broken file is a packaging bug: it throws. */
export function readSchemaFiles(dir: string = SCHEMA_DIR): SchemaSet {
  const schemas = new Map<string, Record<string, unknown>>();
  for (const name of fs
    .readdirSync(dir)
    .filter((n) => n.endsWith('.schema.json'))
    .sort())
    schemas.set(name, readSchemaFile(name, dir));
  return schemas;
}

/** Reads one schema of schemas/, for a command that needs no other (the state file's). */
export function readSchemaFile(name: string, dir: string = SCHEMA_DIR): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')) as Record<string, unknown>;
}
