import path from 'node:path';
import { parseDocument, stringify } from 'yaml';
import { readSchemas, schemaValidator } from '../app-manifests.js';
import { API_VERSION } from '../api/kinds.js';
import type { ComposeApp } from '../api/manifest-types.js';
import { compareProblems } from '../api/problem.js';
import type { Problem } from '../api/problem.js';
import { bundleSchema } from '../manifest/bundle-schema.js';
import { displayPath, toPointer } from '../manifest/field-path.js';
import type { FieldPath } from '../manifest/field-path.js';
import { locate } from '../manifest/locate.js';
import { parseYamlFile } from '../manifest/parse-yaml.js';
import type { SourceDocument } from '../manifest/source-document.js';
import { unsupportedKeys } from '../manifest/unsupported-keys.js';
import { composeToStack } from './compose-to-stack.js';

/** What `tinyforge import` makes of a compose file. */
export interface ComposeImport {
  /** The workload's name (metadata.name). */
  name: string;
  /** Files for `-o DIR`, relative to it; the first is the manifest. */
  files: { path: string; text: string }[];
  /** The manifest for stdout: one document, the application inline. */
  stdout: string;
  /** Every key left out, located in the compose file. */
  dropped: Problem[];
  /** Values kept that tinyforge rejects, located in the compose file. */
  invalid: Problem[];
}

export interface ImportOptions {
  split: boolean;
  /** metadata.name; default the file's `name:`, else its folder's name (as Compose names a project). */
  name?: string;
}

/**
 * Converts a compose file: a Compose workload that runs it (a copy, or inline), or with
 * `split` a Stack in tinyforge's own fields. What tinyforge cannot run is left out and
 * named with its line and column; env_file stays a reference (its values are secrets).
 * Only problems when the text is no compose file at all, or, with --split, when a value is invalid.
 */
export function importCompose(
  text: string,
  file: string,
  options: ImportOptions,
): ComposeImport | { problems: Problem[] } {
  const read = readComposeFile(text, file);
  if ('problems' in read) return read;
  const { source, value } = read;
  const bundle = bundleSchema(readSchemas(), 'compose-file.schema.json');
  const dropped = unsupportedKeys(value, bundle, bundle);
  const app = without(value, dropped) as unknown as ComposeApp;
  const invalid = schemaValidator().validateCompose({ ...source, value: app });
  // The translation to a Stack reads values as the schema allows them: an invalid one has no Stack field.
  if (options.split && invalid.length > 0)
    return { problems: invalid.map((p) => ({ ...p, message: `${p.message} (--split needs it fixed first)` })) };
  const stack = options.split ? composeToStack(app) : undefined;
  const notMapped = (keys: FieldPath[]) =>
    keys.map((key) => at(source, key, `key '${displayPath(key)}' is not supported by tinyforge (dropped)`));
  const problems = {
    dropped: notMapped([...dropped, ...(stack?.losses ?? [])]).sort(compareProblems),
    invalid: invalid.map((p) => ({ ...p, message: `${p.message} (kept as written: fix it before deploying)` })),
  };
  const name = workloadName(options.name ?? app.name ?? path.basename(path.dirname(path.resolve(file))));
  const header = `# Imported from ${path.basename(file)} with tinyforge import.\n`;
  if (stack) {
    const manifest = `${header}${stringify(manifestOf('Stack', name, { services: stack.services }), { lineWidth: 0 })}`;
    return { name, files: [{ path: `${name}.yaml`, text: manifest }], stdout: manifest, ...problems };
  }
  const copy = `${name}.compose.yaml`;
  const verbatim = JSON.stringify(source.value) === JSON.stringify(app);
  const copyText = verbatim
    ? text
    : `# ${path.basename(file)} as tinyforge runs it: copied with tinyforge import${dropped.length > 0 ? `, without ${dropped.map(displayPath).join(', ')}` : ''}.\n${stringify(app, { lineWidth: 0 })}`;
  const manifest = `${header}# The application is ${copy}, a copy of it: edit it there (an edit recreates its services).\n${stringify(manifestOf('Compose', name, { file: copy }), { lineWidth: 0 })}`;
  return {
    name,
    files: [
      { path: `${name}.yaml`, text: manifest },
      { path: copy, text: copyText },
    ],
    stdout: `${header}${stringify(manifestOf('Compose', name, { compose: app }), { lineWidth: 0 })}`,
    ...problems,
  };
}

/** The file's one document, as written and with YAML merge keys (`<<: *common`) applied, as Compose reads it. */
function readComposeFile(
  text: string,
  file: string,
): { source: SourceDocument; value: unknown } | { problems: Problem[] } {
  const parsed = parseYamlFile(text, file);
  if (parsed.problems.length > 0) return { problems: parsed.problems };
  const [source, ...more] = parsed.documents;
  const problem = (message: string): { problems: Problem[] } => ({
    problems: [{ file, line: 1, column: 1, path: '', message }],
  });
  if (!source || more.length > 0) return problem('a compose file holds one YAML document');
  const value = parseDocument(text, { version: '1.2', schema: 'core', merge: true }).toJS({ maxAliasCount: 100 });
  const services = (value as Record<string, unknown> | null)?.['services'];
  if (services === null || typeof services !== 'object' || Array.isArray(services))
    return problem('not a compose file: it has no "services" map');
  return { source, value };
}

/** A deep copy of `value` without the keys at `paths`. */
function without(value: unknown, paths: FieldPath[]): Record<string, unknown> {
  const copy = structuredClone(value) as Record<string, unknown>;
  for (const keyPath of paths) {
    let parent: unknown = copy;
    for (const segment of keyPath.slice(0, -1)) parent = (parent as Record<string | number, unknown>)[segment];
    delete (parent as Record<string | number, unknown>)[keyPath.at(-1)!];
  }
  return copy;
}

function at(source: SourceDocument, keyPath: FieldPath, message: string): Problem {
  return { file: source.file, ...locate(source, keyPath, 'key'), path: toPointer(keyPath), message };
}

/** A DNS label made of a Compose project name (`My_App` -> `my-app`). */
export function workloadName(written: string): string {
  const label = written
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  return label === '' ? 'app' : label;
}

function manifestOf(kind: 'Compose' | 'Stack', name: string, spec: object): object {
  return { apiVersion: API_VERSION, kind, metadata: { name }, spec };
}
