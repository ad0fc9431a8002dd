import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type { Reference, UnkeyedWorkload } from '../api/workload.js';
import { canonicalJson } from '../reconcile/canonical-json.js';
import { safeReadText } from './safe-read.js';

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

/** `workloadKey` for one load: each referenced file is looked at once, however many workloads share it. */
export function workloadKeys(): (workload: UnkeyedWorkload) => string {
  const seen = new Map<string, [string, string]>();
  const look = (r: Reference): [string, string] => {
    const at = `${r.kind}\0${r.path}`;
    let found = seen.get(at);
    if (!found) {
      found = [realpathOrMissing(r.path), contentDigest(r)];
      seen.set(at, found);
    }
    return found;
  };
  return (workload) => {
    const files = workload.references.map((r) => [r.path, ...look(r)]);
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

/** The plain sha256 of a referenced file's content, for the kinds whose content is part of the spec. */
function contentDigest(reference: Reference): string {
  if (reference.kind !== 'envFile' && reference.kind !== 'composeFile') return '';
  const read = safeReadText(reference.path);
  return 'text' in read ? createHash('sha256').update(read.text).digest('hex') : `unreadable: ${read.error}`;
}

function realpathOrMissing(file: string): string {
  try {
    return fs.realpathSync(file);
  } catch {
    return 'missing';
  }
}
