import type { ErrorObject } from 'ajv';

/** One `required` error per object, listing every missing field. */
export function mergeRequired(errors: readonly ErrorObject[]): ErrorObject[] {
  const first = new Map<string, ErrorObject & { params: { missingProperties?: string[] } }>();
  const out: ErrorObject[] = [];
  for (const error of errors) {
    if (error.keyword !== 'required') {
      out.push(error);
      continue;
    }
    const key = `${error.instancePath}|${error.schemaPath}`;
    const missing = String((error.params as { missingProperty: string }).missingProperty);
    const seen = first.get(key);
    if (seen) {
      seen.params.missingProperties!.push(missing);
    } else {
      const merged = { ...error, params: { ...error.params, missingProperties: [missing] } };
      first.set(key, merged);
      out.push(merged);
    }
  }
  return out;
}
