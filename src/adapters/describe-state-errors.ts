import type { ErrorObject } from 'ajv';
import { mergeRequired } from '../manifest/merge-required.js';
import { describeType, describeValue } from '../manifest/describe-value.js';
import { displayPath, fromPointer } from '../manifest/field-path.js';
import type { FieldPath } from '../manifest/field-path.js';

/** How many problems a message about a state file names: enough to see the pattern, short enough to read. */
const SHOWN = 3;

/**
 * ajv's errors against the state schema as `<json path>: <problem>` (`$.controller.pid:
 * must be an integer (got "x")`), the missing fields of one object on one line; past the
 * first few, a count. A state file has no lines to point at: the path is the address.
 */
export function describeStateErrors(errors: readonly ErrorObject[], data: unknown): string[] {
  const described = [
    ...new Set(mergeRequired(errors).map((error) => describe(error, fromPointer(error.instancePath, data)))),
  ];
  const more = described.length - SHOWN;
  return more > 0 ? [...described.slice(0, SHOWN), `and ${more} more`] : described;
}

function describe(error: ErrorObject, path: FieldPath): string {
  const params = error.params as Record<string, unknown>;
  const got = `(got ${error.data === null ? 'null' : describeValue(error.data)})`;
  switch (error.keyword) {
    case 'required': {
      const names = (params['missingProperties'] as string[]).map((name) => `"${name}"`);
      return `${jsonPath(path)}: missing required field${names.length > 1 ? 's' : ''} ${names.join(', ')}`;
    }
    case 'additionalProperties':
      return `${jsonPath([...path, String(params['additionalProperty'])])}: unknown field`;
    case 'type':
      return `${jsonPath(path)}: must be ${types(params['type'] as string | string[])} ${got}`;
    case 'enum':
      return `${jsonPath(path)}: must be one of ${(params['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')} ${got}`;
    case 'const':
      return `${jsonPath(path)}: must be ${JSON.stringify(params['allowedValue'])} ${got}`;
    default:
      return `${jsonPath(path)}: ${error.message ?? 'is not valid'} ${got}`;
  }
}

/** `an integer`, `a string or null`: JSON's null is not YAML's empty value. */
function types(type: string | string[]): string {
  return (Array.isArray(type) ? type : type.split(','))
    .map((t) => (t === 'null' ? 'null' : describeType(t)))
    .join(' or ');
}

/** `$`, `$.controller.pid`, `$.workloads["image/web"].containers[0]`. */
function jsonPath(path: FieldPath): string {
  const shown = displayPath(path);
  return shown === '' || shown.startsWith('[') ? `$${shown}` : `$.${shown}`;
}
