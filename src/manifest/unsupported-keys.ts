import type { FieldPath } from './field-path.js';
import { resolvePointer } from './schema-set.js';

type Json = Record<string, unknown>;

/**
 * The map keys of `value` that `schema` (a bundle, see bundleSchema) does not declare
 * where `additionalProperties` is false: what a schema-valid copy must leave out. The
 * schema is the one list of what is supported, so importing and validating agree.
 * An `anyOf` is followed into the branch made for the value's JSON type (a list, a map,
 * a string); keys with a `patternProperties` match (Compose's `x-`) are kept.
 */
export function unsupportedKeys(value: unknown, schema: Json, bundle: Json, path: FieldPath = []): FieldPath[] {
  const node = branchFor(value, resolved(schema, bundle), bundle);
  if (!node) return [];
  if (Array.isArray(value)) {
    const items = node['items'];
    if (!isJson(items)) return [];
    return value.flatMap((item, index) => unsupportedKeys(item, items, bundle, [...path, index]));
  }
  if (!isJson(value)) return [];
  const properties = (node['properties'] as Record<string, Json> | undefined) ?? {};
  const patterns = Object.keys((node['patternProperties'] as Json | undefined) ?? {}).map((p) => new RegExp(p, 'u'));
  const additional = node['additionalProperties'];
  return Object.entries(value).flatMap(([key, child]) => {
    if (Object.hasOwn(properties, key)) return unsupportedKeys(child, properties[key]!, bundle, [...path, key]);
    if (patterns.some((pattern) => pattern.test(key))) return [];
    if (additional === false) return [[...path, key]];
    return isJson(additional) ? unsupportedKeys(child, additional, bundle, [...path, key]) : [];
  });
}

/** `schema` with its `$ref` chain followed. */
function resolved(schema: Json, bundle: Json): Json {
  let node = schema;
  for (let depth = 0; depth < 8 && typeof node['$ref'] === 'string'; depth++) {
    node = resolvePointer(bundle, node['$ref']) ?? {};
  }
  return node;
}

/** The schema (or `anyOf` branch) that describes a value of this JSON type. */
function branchFor(value: unknown, schema: Json, bundle: Json): Json | undefined {
  const anyOf = schema['anyOf'];
  if (!Array.isArray(anyOf)) return schema;
  const wanted = Array.isArray(value) ? 'array' : isJson(value) ? 'object' : undefined;
  if (wanted === undefined) return undefined;
  return (anyOf as Json[])
    .map((branch) => resolved(branch, bundle))
    .find((branch) => branch['type'] === wanted || (wanted === 'object' && 'properties' in branch));
}

function isJson(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
