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

/** One ajv error, with what every describer needs worked out once. */
interface ErrorAt {
  error: ErrorObject;
  path: FieldPath;
  /** The field as written, or '' for the document itself. */
  field: string;
  /** The field, or "the document". */
  subject: string;
  parent: Record<string, unknown>;
  params: Record<string, unknown>;
  schema: Record<string, unknown>;
  /** What was found at the field, as the user wrote it. */
  got: () => string;
  quote: Context['quote'];
}

type Describer = (at: ErrorAt) => Finding;

function describeError(error: ErrorObject, context: Context): Finding | undefined {
  if (error.keyword === 'if' || error.keyword === 'propertyNames') return undefined;
  const { data, schema, quote } = context;
  const path = fromPointer(error.instancePath, data);
  const field = displayPath(path);
  const at: ErrorAt = {
    error,
    path,
    field,
    subject: field === '' ? 'the document' : field,
    parent: (error.parentSchema ?? {}) as Record<string, unknown>,
    params: error.params as Record<string, unknown>,
    schema,
    got: () => describeValue(error.data, quote(path)),
    quote,
  };
  if (error.propertyName !== undefined) return describePropertyName(at, error.propertyName);
  return (DESCRIBERS[error.keyword] ?? describeOther)(at);
}

/** A describer per ajv keyword; any other keyword gets ajv's own message. */
const DESCRIBERS: Record<string, Describer> = {
  type: describeWrongType,
  required: describeRequired,
  additionalProperties: describeUnknownField,
  unevaluatedProperties: describeUnknownField,
  enum: describeEnum,
  const: ({ path, subject, params, got }) =>
    atValue(path, `${subject} must be ${JSON.stringify(params['allowedValue'])} (got ${got()})`),
  pattern: describePattern,
  minimum: describeLimit,
  exclusiveMinimum: describeLimit,
  maximum: describeLimit,
  exclusiveMaximum: describeLimit,
  minItems: ({ path, subject, params }) =>
    atValue(path, `${subject} must list at least ${String(params['limit'])} item${params['limit'] === 1 ? '' : 's'}`),
  maxItems: ({ path, subject, params }) =>
    atValue(path, `${subject} may list at most ${String(params['limit'])} items`),
  minProperties: ({ path, subject, params }) =>
    atValue(
      path,
      `${subject} must have at least ${String(params['limit'])} entr${params['limit'] === 1 ? 'y' : 'ies'}`,
    ),
  maxProperties: ({ path, subject, params }) =>
    atValue(path, `${subject} may have at most ${String(params['limit'])} entries`),
  minLength: ({ path, subject }) => atValue(path, `${subject} must not be empty`),
  maxLength: ({ path, subject, params }) =>
    atValue(path, `${subject} is too long (at most ${String(params['limit'])} characters)`),
  uniqueItems: describeUniqueItems,
  anyOf: describeAnyOf,
};

/** A map key that breaks the schema's `propertyNames`. */
function describePropertyName({ error, path, parent }: ErrorAt, name: string): Finding {
  const keyPath = [...path, name];
  const why =
    error.keyword === 'pattern' && typeof parent['patternErrorMessage'] === 'string'
      ? parent['patternErrorMessage']
      : (error.message ?? 'is not allowed');
  return { path: keyPath, anchor: 'key', message: `${displayPath(keyPath)}: the name ${JSON.stringify(name)} ${why}` };
}

const atValue = (path: FieldPath, message: string): Finding => ({ path, anchor: 'value', message });

function describeWrongType({ error, path, subject, params, got, quote }: ErrorAt): Finding {
  const expected = params['type'] as string | string[];
  const wantsString = (Array.isArray(expected) ? expected : [expected]).includes('string');
  const scalar = typeof error.data === 'number' || typeof error.data === 'boolean';
  const written = quote(path) ?? String(error.data);
  const advice = wantsString && scalar ? `; quote it: "${written}"` : '';
  return atValue(path, `${subject} must be ${describeType(expected)} (got ${got()}${advice})`);
}

function describeRequired({ error, path, field, parent, params }: ErrorAt): Finding {
  const missing = (params['missingProperties'] as string[] | undefined) ?? [String(params['missingProperty'])];
  const names = missing.map((m) => `"${m}"`).join(', ');
  const fields = `required field${missing.length > 1 ? 's' : ''} ${names}`;
  const why = typeof parent['errorMessage'] === 'string' ? ` (${parent['errorMessage']})` : '';
  if (field !== '') return { path, anchor: 'key', message: `${field} is missing ${fields}${why}` };
  const notManifest = missing.includes('apiVersion') && missing.includes('kind');
  return {
    path,
    anchor: 'key',
    message: notManifest
      ? `not a tinyforge manifest: missing ${fields}${composeHint(error.data)}`
      : `missing ${fields}`,
  };
}

/** A compose file put among manifests as it is: say how to bring it in. */
function composeHint(data: unknown): string {
  const compose = data !== null && typeof data === 'object' && 'services' in data;
  return compose
    ? "; it looks like a compose file: import it with 'tinyforge import FILE -o DIR', or run it as it is from a manifest of kind: Compose (spec.file names it)"
    : '';
}

function describeUnknownField({ path, parent, params, schema }: ErrorAt): Finding {
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

function describeEnum({ error, path, subject, params, got }: ErrorAt): Finding {
  const allowed = (params['allowedValues'] as unknown[]).map((v) => JSON.stringify(v));
  const hint =
    typeof error.data === 'string'
      ? closest(error.data, (params['allowedValues'] as unknown[]).map(String))
      : undefined;
  return atValue(
    path,
    `${subject} must be one of ${allowed.join(', ')} (got ${got()}${hint ? `; did you mean "${hint}"?` : ''})`,
  );
}

function describePattern({ path, subject, parent, params, got }: ErrorAt): Finding {
  const why =
    typeof parent['patternErrorMessage'] === 'string'
      ? parent['patternErrorMessage']
      : `must match ${String(params['pattern'])}`;
  return atValue(path, `${subject} ${why} (got ${got()})`);
}

const LIMIT_WORDS: Record<string, string> = {
  minimum: 'at least',
  exclusiveMinimum: 'more than',
  maximum: 'at most',
  exclusiveMaximum: 'less than',
};

function describeLimit({ error, path, subject, params, got }: ErrorAt): Finding {
  return atValue(path, `${subject} must be ${LIMIT_WORDS[error.keyword]} ${String(params['limit'])} (got ${got()})`);
}

function describeUniqueItems({ error, path, subject, params }: ErrorAt): Finding {
  const list = Array.isArray(error.data) ? error.data : [];
  const duplicate = list[Number(params['j'])];
  return atValue([...path, Number(params['j'])], `${subject} lists ${describeValue(duplicate)} more than once`);
}

function describeAnyOf({ path, subject, parent, got }: ErrorAt): Finding {
  const why =
    typeof parent['errorMessage'] === 'string' ? parent['errorMessage'] : 'has a form that is not supported here';
  return atValue(path, `${subject} ${why} (got ${got()})`);
}

function describeOther({ error, path, subject }: ErrorAt): Finding {
  return atValue(path, `${subject} ${error.message ?? 'is not valid'}`);
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
