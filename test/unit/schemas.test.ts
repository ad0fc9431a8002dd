import { Ajv2020 } from 'ajv/dist/2020.js';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ValidateFunction } from 'ajv';
import { describeStateErrors } from '../../src/adapters/describe-state-errors.js';
import { readSchemaFiles, SCHEMA_DIR, schemaFilesFingerprint } from '../../src/adapters/schema-files.js';
import { STATE_SCHEMA, stateDocuments, stateSchemaSet } from '../../src/adapters/state-validator.js';
import { DEFAULT_POLICY } from '../../src/api/policy.js';
import { loadFromDisk } from '../../src/app.js';
import { bundleSchema } from '../../src/manifest/bundle-schema.js';
import { parseYamlFile } from '../../src/manifest/parse-yaml.js';
import { createAjv, SchemaValidator } from '../../src/manifest/schema-validator.js';
import type { CompiledSchemas } from '../../src/manifest/schema-validator.js';

const schemas = readSchemaFiles();

/** Every object schema under `properties`, with where it is. */
function* propertySchemas(node: unknown, at: string): Generator<[string, Record<string, unknown>]> {
  if (node === null || typeof node !== 'object') return;
  const record = node as Record<string, unknown>;
  const properties = record['properties'];
  if (properties && typeof properties === 'object') {
    for (const [name, schema] of Object.entries(properties))
      yield [`${at}/properties/${name}`, schema as Record<string, unknown>];
  }
  for (const [key, value] of Object.entries(record)) yield* propertySchemas(value, `${at}/${key}`);
}

describe('the JSON Schemas', () => {
  it('are draft 2020-12, one per kind, plus the dispatching manifest schema', () => {
    for (const name of ['image', 'stack', 'project', 'compose', 'static', 'manifest', 'container', 'compose-file']) {
      expect(schemas.get(`${name}.schema.json`)?.['$schema'], name).toBe(
        'https://json-schema.org/draft/2020-12/schema',
      );
    }
  });

  it('describe every field, directly or through the definition they refer to', () => {
    const undocumented: string[] = [];
    for (const [file, schema] of schemas) {
      if (file === 'state.schema.json') continue;
      for (const [where, property] of propertySchemas(schema, file)) {
        const ref = property['$ref'];
        const target = typeof ref === 'string' ? resolve(ref, file) : undefined;
        if (
          typeof property['description'] !== 'string' &&
          typeof target?.['description'] !== 'string' &&
          !where.includes('/if/')
        )
          undocumented.push(where);
      }
    }
    expect(undocumented).toEqual([]);
  });

  it('close every object: a field that is not declared is an error', () => {
    const open: string[] = [];
    const walk = (node: unknown, at: string) => {
      if (node === null || typeof node !== 'object') return;
      const record = node as Record<string, unknown>;
      const closed =
        record['additionalProperties'] !== undefined ||
        record['unevaluatedProperties'] === false ||
        typeof record['$ref'] === 'string';
      if (record['properties'] && !closed && !at.includes('/if')) open.push(at);
      for (const [key, value] of Object.entries(record)) walk(value, `${at}/${key}`);
    };
    for (const [file, schema] of schemas)
      if (file !== 'container.schema.json' && file !== 'manifest.schema.json') walk(schema, file);
    expect(open).toEqual([]);
  });

  it('bundle into one self-contained schema that validates the examples', () => {
    const ajv = new Ajv2020({ strict: false });
    const validate = ajv.compile(bundleSchema(schemas, 'manifest.schema.json'));
    const manifests = path.resolve(import.meta.dirname, '../../manifests');
    const load = loadFromDisk({ dir: manifests }, DEFAULT_POLICY);
    expect(load.workloads.length).toBe(5);
    for (const workload of load.workloads) expect(validate(workload.manifest), workload.id).toBe(true);
    expect(
      validate({
        apiVersion: 'tinyforge.dev/v1',
        kind: 'Image',
        metadata: { name: 'x' },
        spec: { image: 'a', replica: 1 },
      }),
    ).toBe(false);
  });
});

describe('the fingerprint of the schema files', () => {
  it('follows their text: the same files give the same, any edit another', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinyforge-schemas-'));
    try {
      fs.cpSync(SCHEMA_DIR, dir, { recursive: true });
      const before = schemaFilesFingerprint(readSchemaFiles(dir));
      expect(schemaFilesFingerprint(readSchemaFiles(dir))).toBe(before);
      expect(before).toBe(schemaFilesFingerprint(schemas));
      const file = path.join(dir, 'image.schema.json');
      fs.writeFileSync(file, `${fs.readFileSync(file, 'utf8')}\n`);
      expect(schemaFilesFingerprint(readSchemaFiles(dir))).not.toBe(before);
      expect(() => schemaFilesFingerprint(new Map())).toThrow(/not read/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the precompiled validators of the build', () => {
  it('match the schemas on disk and report exactly what live compilation reports', () => {
    const generated = path.resolve(import.meta.dirname, '../../dist/generated/schema-validators.cjs');
    expect(fs.existsSync(generated), 'run npm run build first').toBe(true);
    const compiled = createRequire(import.meta.url)(generated) as CompiledSchemas & { fingerprint: string };
    expect(compiled.fingerprint).toBe(schemaFilesFingerprint(schemas));
    const live = new SchemaValidator(schemas, Ajv2020);
    const ahead = new SchemaValidator(schemas, compiled);
    const documents = [
      'apiVersion: tinyforge.dev/v1\nkind: Image\nmetadata: {name: Web_1}\nspec: {image: x, replica: 2, env: {A: 1}, volumes: [{hostPath: a}]}\n',
      'apiVersion: tinyforge.dev/v1\nkind: Compose\nmetadata: {name: c}\nspec: {compose: {services: {a: {image: x, ports: [true, {target: 1, foo: 2}], container_name: y}}}}\n',
      'kind: Imagee\n',
    ];
    for (const text of documents) {
      const [source] = parseYamlFile(text, 'x.yaml').documents;
      expect(ahead.validateManifest(source!)).toEqual(live.validateManifest(source!));
      expect(live.validateManifest(source!).length).toBeGreaterThan(0);
    }
  });
});

describe('the precompiled state validator of the build', () => {
  it('matches schemas/state.schema.json and reports exactly what live compilation reports', () => {
    const generated = path.resolve(import.meta.dirname, '../../dist/generated', STATE_SCHEMA.compiled);
    expect(fs.existsSync(generated), 'run npm run build first').toBe(true);
    const compiled = createRequire(import.meta.url)(generated) as { state: ValidateFunction; fingerprint: string };
    const set = stateSchemaSet();
    expect(compiled.fingerprint).toBe(schemaFilesFingerprint(set));
    const live = createAjv(Ajv2020, stateDocuments(set)).getSchema(STATE_SCHEMA.id)!;
    for (const data of [
      {},
      null,
      [],
      {
        apiVersion: 'tinyforge.dev/v1',
        kind: 'ControllerState',
        controller: { pid: 'x' },
        workloads: [],
        invalid: {},
        foreign: [],
        events: [],
      },
    ]) {
      expect(compiled.state(data)).toBe(false);
      expect(live(data)).toBe(false);
      expect(describeStateErrors(compiled.state.errors!, data)).toEqual(describeStateErrors(live.errors!, data));
    }
  });
});

function resolve(ref: string, fromFile: string): Record<string, unknown> | undefined {
  const [file = '', fragment = ''] = ref.split('#');
  let node: unknown = schemas.get(file === '' ? fromFile : file);
  for (const segment of fragment.split('/').filter(Boolean))
    node = (node as Record<string, unknown> | undefined)?.[segment];
  return node as Record<string, unknown> | undefined;
}
