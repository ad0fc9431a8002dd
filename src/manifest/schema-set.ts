/** The JSON Schemas of schemas/, by file name (`image.schema.json`). */
export type SchemaSet = ReadonlyMap<string, Record<string, unknown>>;

/**
 * The schema object a `#/...` pointer leads to inside `document` (a bundle, where every
 * `$ref` is such a pointer); undefined when it leads nowhere.
 */
export function resolvePointer(document: Record<string, unknown>, ref: string): Record<string, unknown> | undefined {
  if (!ref.startsWith('#')) return undefined;
  let node: unknown = document;
  for (const raw of ref.slice(1).split('/').slice(1)) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[segment] : undefined;
  }
  return node !== null && typeof node === 'object' ? (node as Record<string, unknown>) : undefined;
}

/** The property names a schema object of `document` declares, following `$ref` (for "did you mean"). */
export function declaredProperties(
  document: Record<string, unknown>,
  schema: Record<string, unknown>,
  depth = 0,
): string[] {
  if (depth > 8) return [];
  const names = Object.keys((schema['properties'] as Record<string, unknown> | undefined) ?? {});
  const ref = schema['$ref'];
  const target = typeof ref === 'string' ? resolvePointer(document, ref) : undefined;
  if (target) names.push(...declaredProperties(document, target, depth + 1));
  return [...new Set(names)];
}
