import { SCHEMA_BASE } from './schema-set.js';
import type { SchemaSet } from './schema-set.js';

/**
 * One self-contained schema for `entry` (e.g. `image.schema.json`): every schema file is
 * embedded under `$defs` with its own `$id`, so the relative `$ref`s between files resolve
 * inside the bundle and it can be saved anywhere and given to an editor.
 */
export function bundleSchema(schemas: SchemaSet, entry: string): Record<string, unknown> {
  const defs: Record<string, unknown> = {};
  for (const [file, schema] of schemas) {
    if (file === entry) continue;
    const { $schema: _ignored, ...rest } = schema;
    defs[file] = { $id: SCHEMA_BASE + file, ...rest };
  }
  const main = schemas.get(entry);
  if (!main) throw new Error(`no schema ${entry}`);
  return { ...main, $id: SCHEMA_BASE + entry, $defs: { ...((main['$defs'] as object | undefined) ?? {}), ...defs } };
}
