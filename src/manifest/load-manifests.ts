import path from 'node:path';
import { isKind, workloadId } from '../api/kinds.js';
import type { ComposeApp, Manifest } from '../api/manifest-types.js';
import type { Policy } from '../api/policy.js';
import { compareProblems } from '../api/problem.js';
import type { Problem } from '../api/problem.js';
import type { UnkeyedWorkload, Workload } from '../api/workload.js';
import type { Claim } from './claim.js';
import { checkBackend } from './check-backend.js';
import type { BackendName } from './check-backend.js';
import { checkCompose } from './check-compose.js';
import { checkDocument } from './check-document.js';
import { checkPolicy } from './check-policy.js';
import { checkManifestReferences } from './check-site-references.js';
import { collectClaims } from './collect-claims.js';
import type { UnplacedClaim } from './collect-claims.js';
import { checkAcross } from './check-across.js';
import type { FileAccess } from './file-access.js';
import { toPointer } from './field-path.js';
import type { Finding } from './finding.js';
import { locate } from './locate.js';
import { parseYamlFile } from './parse-yaml.js';
import type { SchemaValidator } from './schema-validator.js';
import type { SourceDocument } from './source-document.js';

export interface ManifestText {
  /** Absolute path of the manifest file. */
  path: string;
  text: string;
}

export interface LoadInput {
  /** The manifest directory, absolute. */
  root: string;
  /** The same with symlinks followed. */
  realRoot: string;
  files: readonly ManifestText[];
  access: FileAccess;
  policy: Policy;
  /** What workloads become: fields only a Swarm service has are invalid under `docker`. */
  backend: BackendName;
  validator: SchemaValidator;
  /** A valid workload's key (Workload.key): the loader hashes what it is made of, files included. */
  keyOf: (workload: UnkeyedWorkload) => string;
}

/** A document that names a workload, valid or not, for the checks across documents. */
export interface NamedDocument {
  id: string;
  name: string;
  at: Problem;
  valid: boolean;
}

export interface LoadResult {
  /** Workloads that passed every check, in file order. */
  workloads: Workload[];
  /** Every problem found, in reading order. */
  problems: Problem[];
  /** Ids named by documents that are invalid: their last good spec keeps running. */
  invalidIds: string[];
  /** Files with a problem; what they held last time must be neither changed nor pruned. */
  invalidFiles: string[];
}

/**
 * Text of manifest files -> validated workloads, every problem at once. A document with
 * any problem yields no workload; two documents with one name, or two workloads claiming
 * one host port or domain, yield none either (both are reported).
 */
export function loadManifests(input: LoadInput): LoadResult {
  const problems: Problem[] = [];
  const candidates: { workload: Workload; claims: Claim[]; named: NamedDocument }[] = [];
  const named: NamedDocument[] = [];
  const invalidIds = new Set<string>();

  const parsedFiles = input.files.map((file) => ({
    file,
    parsed: parseYamlFile(file.text, input.access.display(file.path)),
  }));
  // Files that manifests refer to (a Compose file, env files) are parts of workloads, not manifests.
  const referenced = new Set(
    parsedFiles.flatMap(({ file, parsed }) => referencedPaths(parsed.documents, path.dirname(file.path))),
  );
  for (const { file, parsed } of parsedFiles) {
    if (referenced.has(file.path)) continue;
    problems.push(...parsed.problems);
    for (const source of parsed.documents) {
      const result = loadDocument(source, path.dirname(file.path), input);
      problems.push(...result.problems);
      const identity = identify(source);
      if (identity) named.push({ ...identity, valid: result.workload !== undefined });
      if (result.workload && identity) {
        candidates.push({ workload: result.workload, claims: result.claims, named: named[named.length - 1]! });
      } else if (identity) {
        invalidIds.add(identity.id);
      }
    }
  }

  const across = checkAcross(
    named,
    candidates.map((c) => ({ id: c.workload.id, claims: c.claims })),
  );
  problems.push(...across.problems);
  for (const id of across.rejectedIds) invalidIds.add(id);
  const rejectedNames = new Set(across.rejectedNames);
  const workloads = candidates
    .map((c) => c.workload)
    .filter((w) => !across.rejectedIds.includes(w.id) && !rejectedNames.has(w.name));
  for (const c of candidates) if (rejectedNames.has(c.workload.name)) invalidIds.add(c.workload.id);

  problems.sort(compareProblems);
  return {
    workloads,
    problems,
    invalidIds: [...invalidIds].sort(),
    invalidFiles: [...new Set(problems.map((p) => p.file))].sort(),
  };
}

/** Paths named by `spec.file` of Compose documents and by `envFiles` lists, before any validation. */
function referencedPaths(documents: readonly SourceDocument[], fromDir: string): string[] {
  const paths: string[] = [];
  for (const source of documents) {
    const value = source.value as { kind?: unknown; spec?: Record<string, unknown> } | null;
    const spec = value?.spec;
    if (spec === null || typeof spec !== 'object') continue;
    if (value?.kind === 'Compose' && typeof spec['file'] === 'string') paths.push(path.resolve(fromDir, spec['file']));
    const services =
      spec['services'] !== null && typeof spec['services'] === 'object'
        ? Object.values(spec['services'] as object)
        : [];
    for (const site of [spec, ...services] as Record<string, unknown>[]) {
      const envFiles = site?.['envFiles'];
      if (Array.isArray(envFiles))
        for (const f of envFiles) if (typeof f === 'string') paths.push(path.resolve(fromDir, f));
    }
  }
  return paths;
}

function identify(source: SourceDocument): Omit<NamedDocument, 'valid'> | undefined {
  const value = source.value as { kind?: unknown; metadata?: { name?: unknown } } | null;
  const kind = value?.kind;
  const name = value?.metadata?.name;
  if (!isKind(kind) || typeof name !== 'string' || name === '') return undefined;
  return { id: workloadId(kind, name), name, at: place(source, { path: ['metadata', 'name'], message: '' }) };
}

interface DocumentResult {
  workload?: Workload;
  claims: Claim[];
  problems: Problem[];
}

function loadDocument(source: SourceDocument, fromDir: string, input: LoadInput): DocumentResult {
  const schemaProblems = input.validator.validateManifest(source);
  if (schemaProblems.length > 0) return { claims: [], problems: schemaProblems };

  const manifest = source.value as Manifest;
  const context = { root: input.root, realRoot: input.realRoot, access: input.access, policy: input.policy };
  const findings: Finding[] = [
    ...checkDocument(manifest),
    ...checkPolicy(manifest, input.policy),
    ...checkBackend(manifest, input.backend),
  ];
  const references = checkManifestReferences(manifest, fromDir, context);
  findings.push(...references.findings);
  const problems: Problem[] = [...references.problems];
  const claims: Claim[] = collectClaims(manifest).map((claim) => placeClaim(source, claim));

  let compose: ComposeApp | undefined;
  if (manifest.kind === 'Compose') {
    if (manifest.spec.compose) {
      compose = manifest.spec.compose;
      const check = checkCompose(compose, ['spec', 'compose'], fromDir, context);
      findings.push(...check.findings);
      problems.push(...check.problems);
      references.references.push(...check.references);
      claims.push(...check.claims.map((claim) => placeClaim(source, claim)));
    }
    const composeFile = references.references.find((r) => r.kind === 'composeFile');
    if (composeFile) {
      const loaded = loadComposeFile(composeFile.path, input, context);
      problems.push(...loaded.problems);
      references.references.push(...loaded.references);
      claims.push(...loaded.claims);
      compose = loaded.app;
    }
  }

  problems.push(...findings.map((finding) => place(source, finding)));
  if (problems.length > 0) return { claims, problems };
  const unkeyed: UnkeyedWorkload = {
    id: workloadId(manifest.kind, manifest.metadata.name),
    kind: manifest.kind,
    name: manifest.metadata.name,
    manifest,
    source: { file: source.file, document: source.index },
    dir: fromDir,
    references: references.references,
    ...(compose ? { compose } : {}),
  };
  const workload: Workload = { ...unkeyed, key: input.keyOf(unkeyed) };
  return { workload, claims, problems };
}

/** A Compose `file`: one YAML document, valid against the Compose subset, checked like inline. */
function loadComposeFile(file: string, input: LoadInput, context: Parameters<typeof checkCompose>[3]) {
  const display = input.access.display(file);
  const read = input.access.readText(file);
  if ('error' in read)
    return {
      problems: [{ file: display, line: 1, column: 1, path: '', message: read.error }],
      references: [],
      claims: [],
    };
  const parsed = parseYamlFile(read.text, display);
  const problems = [...parsed.problems];
  const [source, extra] = parsed.documents;
  if (extra) problems.push(place(extra, { path: [], message: 'a compose file holds one YAML document' }));
  if (!source || problems.length > 0) return { problems, references: [], claims: [] };
  const schemaProblems = input.validator.validateCompose(source);
  if (schemaProblems.length > 0) return { problems: schemaProblems, references: [], claims: [] };
  const app = source.value as ComposeApp;
  const check = checkCompose(app, [], path.dirname(file), context);
  problems.push(...check.problems, ...check.findings.map((finding) => place(source, finding)));
  return {
    problems,
    references: check.references,
    claims: check.claims.map((claim) => placeClaim(source, claim)),
    app,
  };
}

function place(source: SourceDocument, finding: Finding): Problem {
  const { line, column } = locate(source, finding.path, finding.anchor ?? 'value');
  return { file: source.file, line, column, path: toPointer(finding.path), message: finding.message };
}

function placeClaim(source: SourceDocument, claim: UnplacedClaim): Claim {
  const { path: at, ...rest } = claim;
  return { ...rest, at: place(source, { path: at, message: '' }) };
}
