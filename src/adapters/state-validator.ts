import type { ValidateFunction } from 'ajv';
import { ajvClass } from './ajv-class.js';
import { describeStateErrors } from './describe-state-errors.js';
import { loadPrecompiled } from './precompiled.js';
import { readSchemaFiles, schemaFilesFingerprint } from './schema-files.js';
import type { SchemaSet } from '../manifest/schema-set.js';
import { bundleSchema } from '../manifest/bundle-schema.js';
import type { SchemaDocuments } from '../manifest/schema-validator.js';

/**
 * The state file's schema alone: it refers to no other, so the build compiles it on its
 * own, into a module of its own, and `status` reads a state file without loading ajv,
 * the manifest schemas or their 300 KiB of compiled code.
 */
export const STATE_SCHEMA = { id: 'state.schema.json', compiled: 'state-validator.cjs' } as const;

/** schemas/state.schema.json as a schema set of one. */
export function stateSchemaSet(): SchemaSet {
  return readSchemaFiles(undefined, [STATE_SCHEMA.id]);
}

/** The state schema as ajv compiles it, live or in the build: bundled like every schema. */
export function stateDocuments(schemas: SchemaSet = stateSchemaSet()): SchemaDocuments {
  return { [STATE_SCHEMA.id]: bundleSchema(schemas, STATE_SCHEMA.id) };
}

let validator: Promise<ValidateFunction> | undefined;

/**
 * Why `data` is not a tinyforge state (schemas/state.schema.json), the first few
 * problems as `<json path>: <problem>`; empty when it is one. The validator is the
 * build's when it matches the schema on disk, else compiled now, once per process.
 */
export async function stateProblems(data: unknown): Promise<string[]> {
  validator ??= stateValidator();
  const validate = await validator;
  return validate(data) ? [] : describeStateErrors(validate.errors ?? [], data);
}

/** The state file adapter's check: why a value is no tinyforge state, or undefined when it is one. */
export async function notAState(data: unknown): Promise<string | undefined> {
  const problems = await stateProblems(data);
  return problems.length > 0 ? `is not a tinyforge state: ${problems.join('; ')}` : undefined;
}

async function stateValidator(): Promise<ValidateFunction> {
  const schemas = stateSchemaSet();
  const compiled = loadPrecompiled<{ state: ValidateFunction }>(STATE_SCHEMA.compiled, schemaFilesFingerprint(schemas));
  if (compiled) return compiled.state;
  // Not built, or the schema was edited since: ajv is loaded only now.
  const { createAjv } = await import('../manifest/schema-validator.js');
  const live = createAjv(ajvClass(), stateDocuments(schemas)).getSchema(STATE_SCHEMA.id);
  if (!live) throw new Error(`schema ${STATE_SCHEMA.id} is missing from schemas/`);
  return live;
}
