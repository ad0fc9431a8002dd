import path from 'node:path';
import { loadControllerKey } from './adapters/controller-key.js';
import { findGitDir, waitForGit } from './adapters/git-checkout.js';
import { referenceDigest } from './adapters/reference-files.js';
import { LoadCache, loadDirectory } from './app-manifests.js';
import type { DirectoryLoad } from './app-manifests.js';
import type { ControllerConfig } from './app.js';
import type { Reference, Workload } from './api/workload.js';
import { cachedEntry, sweepDesired } from './reconcile/desired-cache.js';

/** The manifest directory as one read found it. */
export interface SpecOnDisk {
  load: DirectoryLoad;
  /**
   * The spec hash a reconcile of this workload records as its `specHash` in the state
   * file: the reconciler's own computation, with the controller's name and key.
   * Throws a KEY_UNREADABLE error when the workload refers to files and the key cannot be read.
   */
  hashOf(workload: Workload): string;
}

/**
 * Reads the manifest directory as `run` does (the same loader, policy, controller name
 * and key), for `wait`. Each call reads it again, after any git checkout under way has
 * finished; what did not change is not parsed again (the first read takes what `run` kept; it keeps nothing).
 */
export function specOnDiskReader(
  config: Pick<ControllerConfig, 'manifests' | 'state' | 'name' | 'policy' | 'backend'>,
): () => Promise<SpecOnDisk> {
  const gitDir = findGitDir(path.resolve(config.manifests));
  const cache = LoadCache.for(config.manifests, config.policy, config.backend, { readOnly: true }) ?? null;
  let previous: DirectoryLoad | undefined;
  let keyed: ((reference: Reference) => string) | undefined;
  // Read only when a workload refers to a file: the key is mode 0600, often not readable by whoever
  // waits. Kept once read: until the first `run` makes it, each look tries again.
  const digest = (reference: Reference) => {
    if (keyed) return keyed(reference);
    const key = readKey(config.state);
    if (key) keyed = referenceDigest(key);
    return referenceDigest(key)(reference);
  };
  return async () => {
    await waitForGit(gitDir);
    const load = loadDirectory(config.manifests, config.policy, config.backend, {
      cache,
      ...(previous ? { previous } : {}),
    });
    previous = load;
    sweepDesired(config.name, load.workloads);
    return { load, hashOf: (workload) => cachedEntry(workload, { controller: config.name, digest }).hash };
  };
}

function readKey(stateFile: string): Buffer | undefined {
  try {
    return loadControllerKey(path.resolve(stateFile), false);
  } catch (error) {
    throw Object.assign(new Error(`cannot read the controller key beside ${stateFile}: ${(error as Error).message}`), {
      code: 'KEY_UNREADABLE',
    });
  }
}
