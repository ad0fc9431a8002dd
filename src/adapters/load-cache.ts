import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { Policy } from '../api/policy.js';
import type { BackendName } from '../manifest/check-backend.js';
import { loadFromDisk } from './manifest-loader.js';
import type { DirectoryLoad } from './manifest-loader.js';
import { buildId } from './precompiled.js';
import { SCHEMA_DIR } from './schema-files.js';
import { readCacheFile, removeCacheFile, userCacheFolder, writeCacheFile } from './user-cache-folder.js';

/** Files kept; writing one more removes the least recently written. */
export const MAX_ENTRIES = 64;
const FORMAT = 1;

interface Entry {
  context: string;
  load: DirectoryLoad;
}

/**
 * A clean load of one manifest directory kept between processes, in this user's cache
 * folder, so that a `run --once`, `plan` or `wait` whose manifests did not change since
 * the last `run --once` does not parse and validate them again (for ten small manifests, a
 * tenth of such a run). An entry serves only the build of tinyforge that wrote it and
 * the schemas it was checked against, with the same policy, backend, folder and working
 * folder, and then only as loadFromDisk's `previous`: used while its content key holds
 * (the manifests' paths and texts; where the paths they refer to lead, what they are,
 * what env and Compose files hold; where the directory, the allowed host folders and the
 * Docker sockets lead), as the long-running controller's resync reuses its last load. A
 * load with a problem is never kept. Without a build (vitest runs src/) or with
 * NODE_DISABLE_COMPILE_CACHE set there is no cache.
 */
export class LoadCache {
  private constructor(
    readonly file: string,
    private readonly context: string,
    private readonly readOnly: boolean,
  ) {}

  /** `readOnly`: a cache this process only reads (`plan`, `wait`: they write nothing, not even its folder). */
  static for(
    dir: string,
    policy: Policy,
    backend: BackendName,
    options: { build?: string; folder?: string; cwd?: string; schemas?: string; readOnly?: boolean } = {},
  ): LoadCache | undefined {
    if (process.env.NODE_DISABLE_COMPILE_CACHE) return undefined;
    const readOnly = options.readOnly ?? false;
    const build = options.build ?? buildId();
    const folder = options.folder ?? userCacheFolder('manifests', { create: !readOnly });
    if (build === undefined || folder === undefined) return undefined;
    // One entry for each folder, working folder, policy and backend: a rebuild replaces its own.
    const made = [path.resolve(dir), options.cwd ?? process.cwd(), policy, backend];
    const name = createHash('sha256').update(JSON.stringify(made)).digest('hex').slice(0, 32);
    const schemas = schemaStamp(options.schemas ?? SCHEMA_DIR);
    const context = JSON.stringify([FORMAT, build, process.version, schemas, ...made]);
    return new LoadCache(path.join(folder, `${name}.json`), context, readOnly);
  }

  /** The kept load, when it was made in this context; whether it still holds is loadFromDisk's to see. */
  read(): DirectoryLoad | undefined {
    try {
      const entry = JSON.parse(readCacheFile(this.file)?.toString('utf8') ?? 'null') as Partial<Entry> | null;
      const load = entry?.load;
      if (entry?.context !== this.context || typeof load?.contentKey !== 'string' || !Array.isArray(load.workloads))
        return undefined;
      return load;
    } catch {
      return undefined;
    }
  }

  /**
   * Keeps a clean load; any other load removes the entry. Only a load that reads back
   * from JSON as it is kept (a value JSON cannot hold would come back changed).
   */
  write(load: DirectoryLoad): void {
    if (this.readOnly) return;
    const text = keptText(this.context, load);
    if (text === undefined) removeCacheFile(this.file);
    else if (writeCacheFile(this.file, () => text)) removeOldest(path.dirname(this.file));
  }
}

/** The entry's text for a load, or undefined for one not to keep. */
function keptText(context: string, load: DirectoryLoad): string | undefined {
  if (load.contentKey === undefined) return undefined;
  try {
    const text = JSON.stringify({ context, load });
    return isDeepStrictEqual((JSON.parse(text) as Entry).load, load) ? text : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Loads a manifest directory (loadFromDisk) through its cache (`cache`: null for none; by
 * default the folder's, only read when `readOnly`, as `plan` and `wait` write nothing):
 * `previous` (this process's last load) or else the kept load, when nothing it was made
 * from changed; else a new load, kept for the next process by a cache that writes.
 */
export function loadDirectory(
  dir: string,
  policy: Policy,
  backend: BackendName,
  options: { previous?: DirectoryLoad; cache?: LoadCache | null; readOnly?: boolean } = {},
): DirectoryLoad {
  const { readOnly } = options;
  const cache =
    options.cache === undefined ? LoadCache.for(dir, policy, backend, { readOnly }) : (options.cache ?? undefined);
  const previous = options.previous ?? cache?.read();
  const load = loadOrAgain(dir, policy, backend, previous, options.previous);
  if (load !== previous) cache?.write(load);
  return load;
}

/** loadFromDisk with `previous`; a kept load it cannot even compare (not one this code wrote) is set aside. */
function loadOrAgain(
  dir: string,
  policy: Policy,
  backend: BackendName,
  previous: DirectoryLoad | undefined,
  own: DirectoryLoad | undefined,
): DirectoryLoad {
  try {
    return loadFromDisk({ dir }, policy, { backend, ...(previous ? { previous } : {}) });
  } catch (error) {
    if (previous === own) throw error;
    return loadFromDisk({ dir }, policy, { backend, ...(own ? { previous: own } : {}) });
  }
}

/** The schema files' names, sizes and times: a schema edited after the build makes every kept load stale. */
function schemaStamp(dir: string): string {
  try {
    return fs
      .readdirSync(dir)
      .sort()
      .map((name) => {
        const stat = fs.statSync(path.join(dir, name));
        return `${name}:${stat.size}:${stat.mtimeMs}`;
      })
      .join(',');
  } catch {
    return 'unreadable';
  }
}

/** Removes the least recently written files past MAX_ENTRIES (a temp file a killed writer left goes too). */
function removeOldest(folder: string): void {
  try {
    const names = fs.readdirSync(folder);
    if (names.length <= MAX_ENTRIES) return;
    const byAge = names
      .map((name) => ({ name, at: fs.statSync(path.join(folder, name), { throwIfNoEntry: false })?.mtimeMs ?? 0 }))
      .sort((a, b) => a.at - b.at);
    for (const { name } of byAge.slice(0, names.length - MAX_ENTRIES)) removeCacheFile(path.join(folder, name));
  } catch {
    // Removed at a later write.
  }
}
