import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv';
import type { Problem } from '../api/problem.js';
import { describeSchemaErrors } from './describe-schema-errors.js';
import type { FieldPath } from './field-path.js';
import { SCHEMA_BASE } from './schema-set.js';
import type { SchemaSet } from './schema-set.js';
import type { SourceDocument } from './source-document.js';

/** Applies tinyforge's JSON Schemas to parsed documents and reports located problems. */
export class SchemaValidator {
  readonly #schemas: SchemaSet;
  readonly #manifest: ValidateFunction;
  readonly #composeFile: ValidateFunction;

  constructor(schemas: SchemaSet) {
    this.#schemas = schemas;
    // Strict mode catches mistakes in the schemas themselves; `required` inside `if` and
    // union types are deliberate there.
    const ajv = new Ajv2020({ allErrors: true, verbose: true, strict: true, strictRequired: false, allowUnionTypes: true });
    // Editors (VS Code's JSON and YAML support) show these; ajv only has to accept them.
    ajv.addKeyword({ keyword: 'patternErrorMessage', schemaType: 'string' });
    ajv.addKeyword({ keyword: 'errorMessage', schemaType: 'string' });
    for (const [file, schema] of schemas) ajv.addSchema(schema, SCHEMA_BASE + file);
    this.#manifest = mustGet(ajv, 'manifest.schema.json');
    this.#composeFile = mustGet(ajv, 'compose-file.schema.json');
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

function mustGet(ajv: Ajv2020, file: string): ValidateFunction {
  const validate = ajv.getSchema(SCHEMA_BASE + file);
  if (!validate) throw new Error(`schema ${file} is missing from schemas/`);
  return validate;
}
