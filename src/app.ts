import fs from 'node:fs';
import path from 'node:path';
import type { Policy } from './api/policy.js';
import { createFsFileAccess } from './adapters/fs-file-access.js';
import { safeReadText } from './adapters/safe-read.js';
import { scanManifestDirectory } from './adapters/scan-manifest-directory.js';
import { readSchemaFiles } from './adapters/schema-files.js';
import { loadManifests } from './manifest/load-manifests.js';
import type { LoadResult, ManifestText } from './manifest/load-manifests.js';
import { SchemaValidator } from './manifest/schema-validator.js';
import type { SchemaSet } from './manifest/schema-set.js';
import type { Problem } from './api/problem.js';

/** What loading a manifest directory (or a few files) found, plus whether the directory was readable at all. */
export interface DirectoryLoad extends LoadResult {
  root: string;
  /** The directory could not be read: nothing may be concluded from it (no pruning). */
  unreadable?: string;
  /** How many manifest files were found. */
  fileCount: number;
}

/** The JSON Schemas shipped in schemas/. */
export function readSchemas(): SchemaSet {
  return readSchemaFiles();
}

let validator: SchemaValidator | undefined;
/** The schema validator, compiled once per process. */
export function schemaValidator(): SchemaValidator {
  validator ??= new SchemaValidator(readSchemaFiles());
  return validator;
}

/**
 * Loads manifests from the file system: a directory (recursively), or explicit files with
 * `root` as their manifest directory. Paths in problems are shown relative to `cwd`
 * (default: the current folder) when they lie below it.
 */
export function loadFromDisk(
  target: { dir: string } | { files: string[]; root: string },
  policy: Policy,
  options: { cwd?: string } = {},
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
      if ('error' in read) scanProblems.push({ file: access.display(absolute), line: 1, column: 1, path: '', message: read.error });
      else files.push({ path: absolute, text: read.text });
    }
  }
  const result = loadManifests({ root, realRoot, files, access, policy, validator: schemaValidator() });
  const problems = [...scanProblems, ...result.problems];
  return {
    ...result,
    problems,
    invalidFiles: [...new Set([...result.invalidFiles, ...scanProblems.map((p) => p.file)])].sort(),
    root,
    fileCount: files.length + scanProblems.length,
    ...(unreadable !== undefined ? { unreadable } : {}),
  };
}

function safeRealpath(dir: string): string {
  try {
    return fs.realpathSync(dir);
  } catch {
    return dir;
  }
}
