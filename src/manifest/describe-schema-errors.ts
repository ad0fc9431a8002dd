import type { ErrorObject } from 'ajv';
import type { Problem } from '../api/problem.js';
import { closest } from '../api/closest.js';
import { describeType, describeValue } from './describe-value.js';
import { displayPath, fromPointer, toPointer } from './field-path.js';
import type { FieldPath } from './field-path.js';
import { locate, sourceText } from './locate.js';
import { mergeRequired } from './merge-required.js';
import type { Anchor } from './locate.js';
import { declaredProperties } from './schema-set.js';
import type { SourceDocument } from './source-document.js';

interface Finding {
  path: FieldPath;
  anchor: Anchor;
  message: string;
}

/**
 * Turns ajv's errors (run with `allErrors` and `verbose`) into problems a person can act
 * on: each names the field the way it is written, says what is wrong and what was found,
 * and points at the YAML text. Noise is dropped: `if` summaries, the outer error of
 * `propertyNames`, and the branches of an `anyOf` that could not apply to the value.
 */
export function describeSchemaErrors(
  source: SourceDocument,
  errors: readonly ErrorObject[],
  schema: Record<string, unknown>,
  basePath: FieldPath = [],
): Problem[] {
  const findings: Finding[] = [];
  for (const error of mergeRequired(pruneAnyOf(errors))) {
    const finding = describeError(error, {
      data: valueAt(source.value, basePath),
      schema,
      quote: (path) => sourceText(source, [...basePath, ...path]),
    });
    if (finding) findings.push({ ...finding, path: [...basePath, ...finding.path] });
  }
  const seen = new Set<string>();
  const problems: Problem[] = [];
  for (const finding of findings) {
    const { line, column } = locate(source, finding.path, finding.anchor);
    const problem: Problem = {
      file: source.file,
      line,
      column,
      path: toPointer(finding.path),
      message: finding.message,
    };
    const key = `${line}:${column}:${problem.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push(problem);
  }
  return problems;
}

interface Context {
  /** The data the schema was applied to. */
  data: unknown;
  /** The bundled schema the errors came from: the one document its `$ref`s point into. */
  schema: Record<string, unknown>;
  /** The YAML text of the scalar at a path, to show what the user wrote (`1.10`, not `1.1`). */
  quote: (path: FieldPath) => string | undefined;
}

function describeError(error: ErrorObject, context: Context): Finding | undefined {
  const { data, schema, quote } = context;
  const path = fromPointer(error.instancePath, data);
  const field = displayPath(path);
  const subject = field === '' ? 'the document' : field;
  const parent = (error.parentSchema ?? {}) as Record<string, unknown>;
  const params = error.params as Record<string, unknown>;

  if (error.keyword === 'if' || error.keyword === 'propertyNames') return undefined;
  if (error.propertyName !== undefined) {
    const keyPath = [...path, error.propertyName];
    const why =
      error.keyword === 'pattern' && typeof parent['patternErrorMessage'] === 'string'
        ? parent['patternErrorMessage']
        : (error.message ?? 'is not allowed');
    return {
      path: keyPath,
      anchor: 'key',
      message: `${displayPath(keyPath)}: the name ${JSON.stringify(error.propertyName)} ${why}`,
    };
  }

  const got = () => describeValue(error.data, quote(path));
  switch (error.keyword) {
    case 'type': {
      const expected = params['type'] as string | string[];
      const wantsString = (Array.isArray(expected) ? expected : [expected]).includes('string');
      const scalar = typeof error.data === 'number' || typeof error.data === 'boolean';
      const written = quote(path) ?? String(error.data);
      const advice = wantsString && scalar ? `; quote it: "${written}"` : '';
      return { path, anchor: 'value', message: `${subject} must be ${describeType(expected)} (got ${got()}${advice})` };
    }
    case 'required': {
      const missing = (params['missingProperties'] as string[] | undefined) ?? [String(params['missingProperty'])];
      const names = missing.map((m) => `"${m}"`).join(', ');
      const fields = `required field${missing.length > 1 ? 's' : ''} ${names}`;
      const why = typeof parent['errorMessage'] === 'string' ? ` (${parent['errorMessage']})` : '';
      if (field !== '') return { path, anchor: 'key', message: `${field} is missing ${fields}${why}` };
      const notManifest = missing.includes('apiVersion') && missing.includes('kind');
      return {
        path,
        anchor: 'key',
        message: notManifest ? `not a tinyforge manifest: missing ${fields}` : `missing ${fields}`,
      };
    }
    case 'additionalProperties':
    case 'unevaluatedProperties': {
      const name = String(params['additionalProperty'] ?? params['unevaluatedProperty']);
      const known = declaredProperties(schema, parent).filter((k) => !/^x-/.test(k));
      const hint = closest(name, known);
      const fieldPath = [...path, name];
      return {
        path: fieldPath,
        anchor: 'key',
        message: `${displayPath(fieldPath)}: unknown field ${JSON.stringify(name)}${hint ? ` (did you mean "${hint}"?)` : ''}`,
      };
    }
    case 'enum': {
      const allowed = (params['allowedValues'] as unknown[]).map((v) => JSON.stringify(v));
      const hint =
        typeof error.data === 'string'
          ? closest(error.data, (params['allowedValues'] as unknown[]).map(String))
          : undefined;
      return {
        path,
        anchor: 'value',
        message: `${subject} must be one of ${allowed.join(', ')} (got ${got()}${hint ? `; did you mean "${hint}"?` : ''})`,
      };
    }
    case 'const':
      return {
        path,
        anchor: 'value',
        message: `${subject} must be ${JSON.stringify(params['allowedValue'])} (got ${got()})`,
      };
    case 'pattern': {
      const why =
        typeof parent['patternErrorMessage'] === 'string'
          ? parent['patternErrorMessage']
          : `must match ${String(params['pattern'])}`;
      return { path, anchor: 'value', message: `${subject} ${why} (got ${got()})` };
    }
    case 'minimum':
    case 'exclusiveMinimum':
    case 'maximum':
    case 'exclusiveMaximum': {
      const words = {
        minimum: 'at least',
        exclusiveMinimum: 'more than',
        maximum: 'at most',
        exclusiveMaximum: 'less than',
      }[error.keyword];
      return {
        path,
        anchor: 'value',
        message: `${subject} must be ${words} ${String(params['limit'])} (got ${got()})`,
      };
    }
    case 'minItems':
      return {
        path,
        anchor: 'value',
        message: `${subject} must list at least ${String(params['limit'])} item${params['limit'] === 1 ? '' : 's'}`,
      };
    case 'maxItems':
      return { path, anchor: 'value', message: `${subject} may list at most ${String(params['limit'])} items` };
    case 'minProperties':
      return {
        path,
        anchor: 'value',
        message: `${subject} must have at least ${String(params['limit'])} entr${params['limit'] === 1 ? 'y' : 'ies'}`,
      };
    case 'maxProperties':
      return { path, anchor: 'value', message: `${subject} may have at most ${String(params['limit'])} entries` };
    case 'minLength':
      return { path, anchor: 'value', message: `${subject} must not be empty` };
    case 'maxLength':
      return {
        path,
        anchor: 'value',
        message: `${subject} is too long (at most ${String(params['limit'])} characters)`,
      };
    case 'uniqueItems': {
      const list = Array.isArray(error.data) ? error.data : [];
      const duplicate = list[Number(params['j'])];
      return {
        path: [...path, Number(params['j'])],
        anchor: 'value',
        message: `${subject} lists ${describeValue(duplicate)} more than once`,
      };
    }
    case 'anyOf': {
      const why =
        typeof parent['errorMessage'] === 'string' ? parent['errorMessage'] : 'has a form that is not supported here';
      return { path, anchor: 'value', message: `${subject} ${why} (got ${got()})` };
    }
    default:
      return { path, anchor: 'value', message: `${subject} ${error.message ?? 'is not valid'}` };
  }
}

/**
 * Keeps, for each failed `anyOf`, only the errors of the one branch whose type fits the
 * value (a map that fails the map branch is best told about that map); when no single
 * branch fits, keeps just the `anyOf` error itself.
 */
function pruneAnyOf(errors: readonly ErrorObject[]): ErrorObject[] {
  const drop = new Set<ErrorObject>();
  for (const anyOf of errors) {
    if (anyOf.keyword !== 'anyOf') continue;
    const prefix = `${anyOf.schemaPath}/`;
    const branchCount = Array.isArray(anyOf.schema) ? anyOf.schema.length : 0;
    const inBranch = errors.filter((e) => e !== anyOf && e.schemaPath.startsWith(prefix));
    const typeFailed = new Set(
      inBranch
        .filter(
          (e) =>
            e.keyword === 'type' &&
            e.instancePath === anyOf.instancePath &&
            /^\d+\/type$/.test(e.schemaPath.slice(prefix.length)),
        )
        .map((e) => Number(e.schemaPath.slice(prefix.length).split('/')[0])),
    );
    const fitting = Array.from({ length: branchCount }, (_, i) => i).filter((i) => !typeFailed.has(i));
    if (fitting.length === 1) {
      drop.add(anyOf);
      for (const e of inBranch) if (!e.schemaPath.startsWith(`${prefix}${fitting[0]}/`)) drop.add(e);
    } else {
      for (const e of inBranch) drop.add(e);
    }
  }
  return errors.filter((e) => !drop.has(e));
}

function valueAt(data: unknown, path: FieldPath): unknown {
  let current = data;
  for (const segment of path) {
    current =
      current !== null && typeof current === 'object'
        ? (current as Record<string | number, unknown>)[segment]
        : undefined;
  }
  return current;
}
