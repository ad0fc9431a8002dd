/** How a value reads in an error message: `"two"`, `1.1`, `a map`, `a list`, `nothing`. */
export function describeValue(value: unknown, source?: string): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (source !== undefined && source !== String(value)) return `${source}, which YAML reads as ${String(value)}`;
  return String(value);
}

const ARTICLES: Record<string, string> = {
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
  boolean: 'true or false',
  object: 'a map',
  array: 'a list',
  null: 'empty',
};

/** `a string`, `an integer or a string`: ajv's `type` parameter in words. */
export function describeType(type: string | string[]): string {
  const types = Array.isArray(type) ? type : type.split(',');
  return types.map((t) => ARTICLES[t] ?? t).join(' or ');
}
