/** The JSON Schemas of schemas/, by file name (`image.schema.json`). */
export type SchemaSet = ReadonlyMap<string, Record<string, unknown>>;

/** The base every schema file is registered under, so relative `$ref`s resolve between them. */
export const SCHEMA_BASE = 'https://tinyforge.dev/schemas/';

/**
 * Follows a `$ref` such as `container.schema.json#/$defs/container` to its schema
 * object, relative to the file that holds it; undefined when it leads nowhere.
 */
export function resolveRef(schemas: SchemaSet, ref: string, fromFile: string): { file: string; schema: Record<string, unknown> } | undefined {
  const [filePart, fragment = ''] = ref.split('#');
  const file = filePart === '' || filePart === undefined ? fromFile : filePart;
  let node: unknown = schemas.get(file);
  for (const raw of fragment.split('/').filter((s) => s !== '')) {
    const segment = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[segment] : undefined;
  }
  return node !== null && typeof node === 'object' ? { file, schema: node as Record<string, unknown> } : undefined;
}

/** The property names a schema object declares, following `$ref` and `allOf` (for "did you mean"). */
export function declaredProperties(schemas: SchemaSet, schema: Record<string, unknown>, file: string, depth = 0): string[] {
  if (depth > 8) return [];
  const names = Object.keys((schema['properties'] as Record<string, unknown> | undefined) ?? {});
  const ref = schema['$ref'];
  if (typeof ref === 'string') {
    const target = resolveRef(schemas, ref, file);
    if (target) names.push(...declaredProperties(schemas, target.schema, target.file, depth + 1));
  }
  return [...new Set(names)];
}

/** A fingerprint of the schemas' content: precompiled validators are used only while it matches. */
export function schemaFingerprint(schemas: SchemaSet): string {
  let hash = 2166136261;
  for (const [file, schema] of [...schemas].sort(([a], [b]) => (a < b ? -1 : 1))) {
    for (const ch of file + JSON.stringify(schema)) hash = Math.imul(hash ^ ch.charCodeAt(0), 16777619) >>> 0;
  }
  return hash.toString(16);
}
