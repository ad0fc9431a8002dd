import { createHash } from 'node:crypto';
import type { Reference, UnkeyedWorkload } from '../api/workload.js';
import { canonicalJson } from '../reconcile/canonical-json.js';
import type { FileAccess } from '../manifest/file-access.js';
import { createFsFileAccess } from './fs-file-access.js';

/**
 * A workload's key (Workload.key): sha256, hex, of the canonical JSON of its manifest, its
 * Compose application, where it is declared, its references, and for each reference where
 * it leads now and, for the files whose content is part of the spec (env files, a Compose
 * file), the sha256 of that content or why it could not be read. A workload whose key is
 * unchanged needs nothing computed again; one whose file changed gets a new key.
 */
export function workloadKey(workload: UnkeyedWorkload): string {
  return workloadKeys()(workload);
}

/** `workloadKey` for one load, its files seen through that load's `access`. */
export function workloadKeys(access: FileAccess = createFsFileAccess()): (workload: UnkeyedWorkload) => string {
  return (workload) => {
    const files = workload.references.map((r) => [r.path, pathNow(r.path, access), contentDigest(r, access)]);
    const value = {
      manifest: workload.manifest,
      compose: workload.compose ?? null,
      source: workload.source,
      dir: workload.dir,
      references: workload.references,
      files,
    };
    return createHash('sha256').update(canonicalJson(value)).digest('hex');
  };
}

/** The plain sha256 of a referenced file's content, for the kinds whose content is part of the spec ('' for others). */
export function contentDigest(reference: Reference, access: FileAccess): string {
  if (reference.kind !== 'envFile' && reference.kind !== 'composeFile') return '';
  const read = access.readText(reference.path);
  return 'text' in read ? createHash('sha256').update(read.text).digest('hex') : `unreadable: ${read.error}`;
}

/** What a path is now, as the checks see it: where it leads and what it is there, or `missing`. */
export function pathNow(file: string, access: FileAccess): string {
  const info = access.inspect(file);
  return info.exists ? `${info.type}\0${info.realPath}` : 'missing';
}
