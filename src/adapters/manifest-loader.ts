import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Policy } from '../api/policy.js';
import type { Problem } from '../api/problem.js';
import type { Workload } from '../api/workload.js';
import type { BackendName } from '../manifest/check-backend.js';
import type { FileAccess } from '../manifest/file-access.js';
import { loadManifests } from '../manifest/load-manifests.js';
import type { LoadResult, ManifestText } from '../manifest/load-manifests.js';
import type { SchemaSet } from '../manifest/schema-set.js';
import { MANIFEST_VALIDATORS, SchemaValidator } from '../manifest/schema-validator.js';
import type { CompiledSchemas } from '../manifest/schema-validator.js';
import { ajvClass } from './ajv-class.js';
import { createFsFileAccess } from './fs-file-access.js';
import { loadPrecompiled } from './precompiled.js';
import { safeReadText } from './safe-read.js';
import { scanManifestDirectory } from './scan-manifest-directory.js';
import { readSchemaFiles, schemaFilesFingerprint } from './schema-files.js';
import { contentDigest, pathNow, workloadKeys } from './workload-key.js';

/** What loading a manifest directory (or a few files) found, plus whether the directory was readable at all. */
export interface DirectoryLoad extends LoadResult {
  root: string;
  /** The directory could not be read: nothing may be concluded from it (no pruning). */
  unreadable?: string;
  /** How many manifest files were found. */
  fileCount: number;
  /**
   * What the load was made from: the manifest texts and what they refer to. A load
   * with the same key would find the same; absent when the load had problems.
   */
  contentKey?: string;
}

/** The JSON Schemas shipped in schemas/. */
export function readSchemas(): SchemaSet {
  return readSchemaFiles();
}

let validator: SchemaValidator | undefined;
/**
 * The schema validator, once per process: the build's precompiled validators when they
 * match the schemas on disk, else compiled now.
 */
export function schemaValidator(): SchemaValidator {
  if (validator) return validator;
  const schemas = readSchemaFiles();
  validator = new SchemaValidator(
    schemas,
    loadPrecompiled<CompiledSchemas>(MANIFEST_VALIDATORS, schemaFilesFingerprint(schemas)) ?? ajvClass(),
  );
  return validator;
}

/**
 * Loads manifests from the file system: a directory (recursively), or explicit files with
 * `root` as their manifest directory. Paths in problems are shown relative to `cwd`
 * (default: the current folder) when they lie below it. `previous` is answered as it is
 * when nothing it was made from changed (the long-running controller's resync): the
 * texts are read again, but not parsed and validated again. Each workload gets its key
 * (Workload.key) here, once per load. `backend` (default docker) decides whether fields
 * only a Swarm service has are valid.
 */
export function loadFromDisk(
  target: { dir: string } | { files: string[]; root: string },
  policy: Policy,
  options: { cwd?: string; previous?: DirectoryLoad; backend?: BackendName } = {},
): DirectoryLoad {
  const access = createFsFileAccess(options.cwd);
  const scanProblems: Problem[] = [];
  let root: string;
  let realRoot: string;
  let files: ManifestText[];
  let unreadable: string | undefined;
  if ('dir' in target) {
    const scan = scanManifestDirectory(target.dir, access.display);
    ({ root, realRoot, files, unreadable } = scan);
    scanProblems.push(...scan.problems);
  } else {
    root = path.resolve(target.root);
    realRoot = safeRealpath(root);
    files = [];
    for (const file of target.files) {
      const absolute = path.resolve(file);
      const read = safeReadText(absolute);
      if ('error' in read)
        scanProblems.push({ file: access.display(absolute), line: 1, column: 1, path: '', message: read.error });
      else files.push({ path: absolute, text: read.text });
    }
  }
  const texts =
    unreadable === undefined && scanProblems.length === 0 ? textsKey(files, { realRoot, policy, access }) : undefined;
  const { previous } = options;
  if (
    texts !== undefined &&
    previous?.contentKey !== undefined &&
    previous.contentKey === contentKey(texts, previous.workloads, access)
  )
    return previous;
  const result = loadManifests({
    root,
    realRoot,
    files,
    access,
    policy,
    backend: options.backend ?? 'docker',
    validator: schemaValidator(),
    keyOf: workloadKeys(access),
  });
  const problems = [...scanProblems, ...result.problems];
  return {
    ...result,
    problems,
    invalidFiles: [...new Set([...result.invalidFiles, ...scanProblems.map((p) => p.file)])].sort(),
    root,
    fileCount: files.length + scanProblems.length,
    ...(unreadable !== undefined ? { unreadable } : {}),
    // Only a clean load is reused: a problem may go away with a file no manifest names yet.
    ...(texts !== undefined && problems.length === 0
      ? { contentKey: contentKey(texts, result.workloads, access) }
      : {}),
  };
}

/**
 * The manifest files, paths and texts, and what else the checks read beside them: where
 * the directory leads, and where the folders the operator allowed and the Docker sockets
 * lead (a host path is checked against both). Equal keys, equal inputs.
 */
export function textsKey(
  files: readonly ManifestText[],
  around: { realRoot: string; policy: Policy; access: FileAccess },
): string {
  const hash = createHash('sha256');
  for (const file of files) hash.update(`${file.path}\0${file.text.length}\0`).update(file.text);
  const { realRoot, policy, access } = around;
  hash.update(`\0${realRoot}`);
  for (const dir of [...policy.allowHostPaths, ...policy.dockerSockets])
    hash.update(`\0${dir}\0${pathNow(dir, access)}`);
  return hash.digest('hex');
}

/**
 * The manifest texts, and where the files they refer to lead, what they are and what those
 * that are read hold, as the load's `access` saw them (what its checks saw).
 */
export function contentKey(texts: string, workloads: readonly Workload[], access: FileAccess): string {
  const hash = createHash('sha256').update(texts);
  for (const r of workloads.flatMap((w) => w.references))
    hash.update(`\0${r.path}\0${pathNow(r.path, access)}\0${contentDigest(r, access)}`);
  return hash.digest('hex');
}

/** The path with symlinks followed, or as it is when that fails. */
export function safeRealpath(dir: string): string {
  try {
    return fs.realpathSync(dir);
  } catch {
    return dir;
  }
}
