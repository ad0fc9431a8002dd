import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv';
import type { Problem } from '../api/problem.js';
import { describeSchemaErrors } from './describe-schema-errors.js';
import type { FieldPath } from './field-path.js';
import { SCHEMA_BASE } from './schema-set.js';
import type { SchemaSet } from './schema-set.js';
import type { SourceDocument } from './source-document.js';

/** The two entry points, compiled: live by ajv, or ahead of time by the build. */
export interface CompiledSchemas {
  manifest: ValidateFunction;
  composeFile: ValidateFunction;
}

/**
 * The ajv instance every validator comes from, live or precompiled (`source` keeps the
 * generated code for ajv's standalone output): strict mode catches mistakes in the
 * schemas themselves; `required` inside `if` and union types are deliberate there.
 */
export function createAjv(schemas: SchemaSet, options: { source?: boolean } = {}): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, verbose: true, strict: true, strictRequired: false, allowUnionTypes: true, ...(options.source ? { code: { source: true } } : {}) });
  // Editors (VS Code's JSON and YAML support) show these; ajv only has to accept them.
  ajv.addKeyword({ keyword: 'patternErrorMessage', schemaType: 'string' });
  ajv.addKeyword({ keyword: 'errorMessage', schemaType: 'string' });
  for (const [file, schema] of schemas) ajv.addSchema(schema, SCHEMA_BASE + file);
  return ajv;
}

/** The ids of the entry points, for compiling and for ajv's standalone code. */
export const ENTRY_POINTS = { manifest: SCHEMA_BASE + 'manifest.schema.json', composeFile: SCHEMA_BASE + 'compose-file.schema.json' } as const;

/** The build's module of those entry points, compiled (dist/generated/). */
export const MANIFEST_VALIDATORS = 'schema-validators.cjs';

/** Applies tinyforge's JSON Schemas to parsed documents and reports located problems. */
export class SchemaValidator {
  readonly #schemas: SchemaSet;
  readonly #manifest: ValidateFunction;
  readonly #composeFile: ValidateFunction;

  /** Compiles `schemas`, unless `compiled` brings the same schemas compiled ahead of time. */
  constructor(schemas: SchemaSet, compiled?: CompiledSchemas) {
    this.#schemas = schemas;
    if (compiled) {
      this.#manifest = compiled.manifest;
      this.#composeFile = compiled.composeFile;
    } else {
      const ajv = createAjv(schemas);
      this.#manifest = mustGet(ajv, ENTRY_POINTS.manifest);
      this.#composeFile = mustGet(ajv, ENTRY_POINTS.composeFile);
    }
  }

  /** Problems of one manifest document against manifest.schema.json; empty when valid. */
  validateManifest(source: SourceDocument): Problem[] {
    if (this.#manifest(source.value)) return [];
    return describeSchemaErrors(source, this.#manifest.errors ?? [], this.#schemas);
  }

  /** Problems of a compose application (a whole compose file, or the value at `basePath`). */
  validateCompose(source: SourceDocument, basePath: FieldPath = []): Problem[] {
    let value: unknown = source.value;
    for (const segment of basePath) value = (value as Record<string | number, unknown>)[segment];
    if (this.#composeFile(value)) return [];
    return describeSchemaErrors(source, this.#composeFile.errors ?? [], this.#schemas, { basePath, schemaFile: 'compose-file.schema.json' });
  }
}

function mustGet(ajv: Ajv2020, id: string): ValidateFunction {
  const validate = ajv.getSchema(id);
  if (!validate) throw new Error(`schema ${id} is missing from schemas/`);
  return validate;
}
