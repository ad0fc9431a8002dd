import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SchemaSet } from '../manifest/schema-set.js';

/** schemas/ of the installed package: two levels above this file in both src/ and dist/. */
export const SCHEMA_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../schemas');

/** What each set read here was read from, as a hash of the files' names and texts. */
const fingerprints = new WeakMap<SchemaSet, string>();

/**
 * Reads every `*.schema.json` of schemas/, or only those `names`. A missing or broken file
 * is a packaging bug: it throws.
 */
export function readSchemaFiles(dir: string = SCHEMA_DIR, names?: readonly string[]): SchemaSet {
  const schemas = new Map<string, Record<string, unknown>>();
  const hash = crypto.createHash('sha256');
  const chosen = names ?? fs.readdirSync(dir).filter((n) => n.endsWith('.schema.json'));
  for (const name of [...chosen].sort()) {
    const text = fs.readFileSync(path.join(dir, name), 'utf8');
    hash.update(`${name}\0${text}\0`);
    schemas.set(name, JSON.parse(text) as Record<string, unknown>);
  }
  fingerprints.set(schemas, hash.digest('hex').slice(0, 16));
  return schemas;
}

/**
 * A fingerprint of the files a set was read from (readSchemaFiles): precompiled
 * validators are used only while it matches. Hashing the texts as read costs less than
 * serialising the parsed schemas again.
 */
export function schemaFilesFingerprint(schemas: SchemaSet): string {
  const fingerprint = fingerprints.get(schemas);
  if (fingerprint === undefined) throw new Error('schemaFilesFingerprint: a set not read by readSchemaFiles');
  return fingerprint;
}
