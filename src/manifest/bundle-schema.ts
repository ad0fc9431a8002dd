import { toPointer } from './field-path.js';
import type { SchemaSet } from './schema-set.js';

type Json = Record<string, unknown>;

/**
 * One self-contained schema for `entry` (e.g. `image.schema.json`), the same document
 * for editors and for ajv: every schema file the entry reaches is embedded once under
 * `$defs["<file>"]`, and every `$ref` becomes a JSON pointer into this document
 * (`container.schema.json#/$defs/port` -> `#/$defs/container.schema.json/$defs/port`).
 * No `$id` is kept: editors such as yaml-language-server resolve `#/...` within the
 * document they were given, but not against an `$id` embedded inside it.
 */
export function bundleSchema(schemas: SchemaSet, entry: string): Json {
  const rewritten = new Map<string, Json>();
  const pending = [entry];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (rewritten.has(file)) continue;
    rewritten.set(file, rewriteRefs(mustGet(schemas, file), file, entry, (target) => pending.push(target)) as Json);
  }
  const { $id: _rootId, ...root } = rewritten.get(entry)!;
  const defs = { ...((root['$defs'] as Json | undefined) ?? {}) };
  for (const [file, { $schema: _schema, $id: _id, ...schema }] of [...rewritten].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (file === entry) continue;
    if (file in defs) throw new Error(`${entry} already defines $defs["${file}"]`);
    defs[file] = schema;
  }
  return Object.keys(defs).length === 0 ? root : { ...root, $defs: defs };
}

/** Where a file's schema sits inside the bundle of `entry`: the root, or its `$defs` entry. */
function locationOf(file: string, entry: string): string {
  return file === entry ? '' : toPointer(['$defs', file]);
}

/** A deep copy of `node` with each `$ref` rewritten to a pointer into the bundle; `reached` hears every file referred to. */
function rewriteRefs(node: unknown, file: string, entry: string, reached: (file: string) => void): unknown {
  if (Array.isArray(node)) return node.map((item) => rewriteRefs(item, file, entry, reached));
  if (node === null || typeof node !== 'object') return node;
  const copy: Json = {};
  for (const [key, value] of Object.entries(node)) {
    copy[key] =
      key === '$ref' && typeof value === 'string'
        ? bundledRef(value, file, entry, reached)
        : rewriteRefs(value, file, entry, reached);
  }
  return copy;
}

/** `other.schema.json#/a` or `#/a`, written in `file`, as a pointer into the bundle of `entry`. */
function bundledRef(ref: string, file: string, entry: string, reached: (file: string) => void): string {
  const [target = '', fragment = ''] = ref.split('#');
  // Only file names and JSON pointers are used in schemas/; anything else is a mistake there.
  if (/[:/]/.test(target) || (fragment !== '' && !fragment.startsWith('/')))
    throw new Error(`${file}: unsupported $ref "${ref}"`);
  const targetFile = target === '' ? file : target;
  reached(targetFile);
  return `#${locationOf(targetFile, entry)}${fragment}`;
}

function mustGet(schemas: SchemaSet, file: string): Json {
  const schema = schemas.get(file);
  if (!schema) throw new Error(`no schema ${file} in schemas/`);
  return schema;
}
