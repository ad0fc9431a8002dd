import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { Policy } from '../api/policy.js';
import type { BackendName } from '../manifest/check-backend.js';
import { loadFromDisk, safeRealpath } from './manifest-loader.js';
import type { DirectoryLoad } from './manifest-loader.js';
import { buildId } from './precompiled.js';
import { SCHEMA_DIR } from './schema-files.js';
import { userCacheFolder } from './user-cache-folder.js';

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
 * the last `run` does not parse and validate them again (for ten small manifests, a
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
  ) {}

  static for(
    dir: string,
    policy: Policy,
    backend: BackendName,
    options: { build?: string; folder?: string; cwd?: string; schemas?: string } = {},
  ): LoadCache | undefined {
    if (process.env.NODE_DISABLE_COMPILE_CACHE) return undefined;
    const build = options.build ?? buildId();
    const folder = options.folder ?? userCacheFolder('manifests');
    if (build === undefined || folder === undefined) return undefined;
    // One entry for each folder, working folder, policy and backend: a rebuild replaces its own.
    const made = [path.resolve(dir), options.cwd ?? process.cwd(), policy, backend];
    const name = createHash('sha256').update(JSON.stringify(made)).digest('hex').slice(0, 32);
    const context = JSON.stringify([
      FORMAT,
      build,
      schemaStamp(options.schemas ?? SCHEMA_DIR),
      safeRealpath(dir),
      ...made,
    ]);
    return new LoadCache(path.join(folder, `${name}.json`), context);
  }

  /** The kept load, when it was made in this context; whether it still holds is loadFromDisk's to see. */
  read(): DirectoryLoad | undefined {
    try {
      const entry = JSON.parse(readOwnFile(this.file)) as Partial<Entry> | null;
      const load = entry?.load;
      if (entry?.context !== this.context || typeof load?.contentKey !== 'string' || !Array.isArray(load.workloads))
        return undefined;
      return load;
    } catch {
      return undefined;
    }
  }

  /**
   * Keeps a clean load, whole or not at all; any other load removes the entry. Only a
   * load that reads back from JSON as it is kept (a value JSON cannot hold would come
   * back changed). Best effort: a cache that cannot be written costs only the time it saves.
   */
  write(load: DirectoryLoad): void {
    const temporary = `${this.file}.${process.pid}.tmp`;
    try {
      const text = load.contentKey === undefined ? undefined : JSON.stringify({ context: this.context, load });
      if (text === undefined || !isDeepStrictEqual((JSON.parse(text) as Entry).load, load)) {
        fs.rmSync(this.file, { force: true });
        return;
      }
      fs.writeFileSync(temporary, text, { mode: 0o600 });
      fs.renameSync(temporary, this.file);
      removeOldest(path.dirname(this.file));
    } catch {
      removeQuietly(temporary);
    }
  }
}

/**
 * Loads a manifest directory (loadFromDisk) through its cache (`cache`: null for none):
 * `previous` (this process's last load) or else the kept load, when nothing it was made
 * from changed; else a new load, kept for the next process unless `readOnly` (`plan`
 * and `wait` write nothing: only `run` keeps a load).
 */
export function loadDirectory(
  dir: string,
  policy: Policy,
  backend: BackendName,
  options: { previous?: DirectoryLoad; cache?: LoadCache | null; readOnly?: boolean } = {},
): DirectoryLoad {
  const cache = options.cache === undefined ? LoadCache.for(dir, policy, backend) : (options.cache ?? undefined);
  const previous = options.previous ?? cache?.read();
  const load = loadOrAgain(dir, policy, backend, previous, options.previous);
  if (load !== previous && !options.readOnly) cache?.write(load);
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

/**
 * The entry's text, read only from a regular file of this user's that no one else may
 * write, not through a symlink.
 */
function readOwnFile(file: string): string {
  const fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
  try {
    const stat = fs.fstatSync(fd);
    const uid = process.getuid?.();
    if (!stat.isFile() || (uid !== undefined && stat.uid !== uid) || (stat.mode & 0o022) !== 0 || stat.nlink !== 1)
      throw new Error(`${file}: not a file of this user's alone`);
    return fs.readFileSync(fd, 'utf8');
  } finally {
    fs.closeSync(fd);
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

function removeQuietly(file: string): void {
  try {
    fs.rmSync(file, { force: true });
  } catch {
    // Left for the system's clean-up of its temporary folder.
  }
}

function removeOldest(folder: string): void {
  // Every file: a temp file a killed writer left goes too, once it is among the oldest.
  const names = fs.readdirSync(folder);
  if (names.length <= MAX_ENTRIES) return;
  const byAge = names
    .map((name) => ({ name, at: fs.statSync(path.join(folder, name), { throwIfNoEntry: false })?.mtimeMs ?? 0 }))
    .sort((a, b) => a.at - b.at);
  for (const { name } of byAge.slice(0, names.length - MAX_ENTRIES))
    fs.rmSync(path.join(folder, name), { force: true });
}
