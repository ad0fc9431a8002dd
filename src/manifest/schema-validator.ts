import type { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv';
import type { Problem } from '../api/problem.js';
import { bundleSchema } from './bundle-schema.js';
import { describeSchemaErrors } from './describe-schema-errors.js';
import type { FieldPath } from './field-path.js';
import type { SchemaSet } from './schema-set.js';
import type { SourceDocument } from './source-document.js';

/** The two entry points, compiled: live by ajv, or ahead of time by the build. */
export interface CompiledSchemas {
  manifest: ValidateFunction;
  composeFile: ValidateFunction;
}

/** The two entry points: the name ajv's standalone code exports each under, and its schema file. */
export const ENTRY_POINTS = { manifest: 'manifest.schema.json', composeFile: 'compose-file.schema.json' } as const;

/** Each entry point bundled: what ajv compiles, and the document its errors are explained against. */
export type EntryBundles = Record<keyof typeof ENTRY_POINTS, Record<string, unknown>>;

/** The entry points through bundleSchema, the same rule `tinyforge schema` prints with. */
export function bundleEntryPoints(schemas: SchemaSet): EntryBundles {
  return {
    manifest: bundleSchema(schemas, ENTRY_POINTS.manifest),
    composeFile: bundleSchema(schemas, ENTRY_POINTS.composeFile),
  };
}

/** Self-contained schemas by the id ajv holds each under: its schema file's name. */
export type SchemaDocuments = Record<string, Record<string, unknown>>;

/** The bundled entry points by their ids, for createAjv. */
export function entryDocuments(bundles: EntryBundles): SchemaDocuments {
  return { [ENTRY_POINTS.manifest]: bundles.manifest, [ENTRY_POINTS.composeFile]: bundles.composeFile };
}

/** ajv's draft 2020-12 class, handed in: loading ajv costs start-up time that precompiled validators spare. */
export type AjvClass = typeof Ajv2020;

/**
 * The ajv instance every validator comes from, live or precompiled (`source` keeps the
 * generated code for ajv's standalone output), holding each document under its id:
 * strict mode catches mistakes in the schemas themselves; `required` inside `if` and
 * union types are deliberate there.
 */
export function createAjv(Ajv: AjvClass, documents: SchemaDocuments, options: { source?: boolean } = {}): Ajv2020 {
  const ajv = new Ajv({
    allErrors: true,
    verbose: true,
    strict: true,
    strictRequired: false,
    allowUnionTypes: true,
    ...(options.source ? { code: { source: true } } : {}),
  });
  // Editors (VS Code's JSON and YAML support) show these; ajv only has to accept them.
  ajv.addKeyword({ keyword: 'patternErrorMessage', schemaType: 'string' });
  ajv.addKeyword({ keyword: 'errorMessage', schemaType: 'string' });
  for (const [id, document] of Object.entries(documents)) ajv.addSchema(document, id);
  return ajv;
}

/** The build's module of the entry points, compiled (dist/generated/). */
export const MANIFEST_VALIDATORS = 'schema-validators.cjs';

/** Applies tinyforge's JSON Schemas to parsed documents and reports located problems. */
export class SchemaValidator {
  readonly #schemas: SchemaSet;
  #bundles: EntryBundles | undefined;
  readonly #manifest: ValidateFunction;
  readonly #composeFile: ValidateFunction;

  /** `compiled`: the same schemas compiled ahead of time, or ajv's class to compile them with now. */
  constructor(schemas: SchemaSet, compiled: CompiledSchemas | AjvClass) {
    this.#schemas = schemas;
    if (typeof compiled === 'function') {
      const ajv = createAjv(compiled, entryDocuments(this.#entryBundles()));
      this.#manifest = mustGet(ajv, ENTRY_POINTS.manifest);
      this.#composeFile = mustGet(ajv, ENTRY_POINTS.composeFile);
    } else {
      this.#manifest = compiled.manifest;
      this.#composeFile = compiled.composeFile;
    }
  }

  /** The bundles errors are explained against: made when first needed, as valid documents never need them. */
  #entryBundles(): EntryBundles {
    this.#bundles ??= bundleEntryPoints(this.#schemas);
    return this.#bundles;
  }

  /** Problems of one manifest document against manifest.schema.json; empty when valid. */
  validateManifest(source: SourceDocument): Problem[] {
    if (this.#manifest(source.value)) return [];
    return describeSchemaErrors(source, this.#manifest.errors ?? [], this.#entryBundles().manifest);
  }

  /** Problems of a compose application (a whole compose file, or the value at `basePath`). */
  validateCompose(source: SourceDocument, basePath: FieldPath = []): Problem[] {
    let value: unknown = source.value;
    for (const segment of basePath) value = (value as Record<string | number, unknown>)[segment];
    if (this.#composeFile(value)) return [];
    return describeSchemaErrors(source, this.#composeFile.errors ?? [], this.#entryBundles().composeFile, basePath);
  }
}

function mustGet(ajv: Ajv2020, id: string): ValidateFunction {
  const validate = ajv.getSchema(id);
  if (!validate) throw new Error(`schema ${id} is missing from schemas/`);
  return validate;
}
