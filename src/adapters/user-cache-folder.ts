import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * This user's folder for one of tinyforge's caches (`v8`: compiled code, `manifests`:
 * loaded manifests), made if missing (unless `create` is false), where Node 22 keeps its own compile cache
 * (NODE_COMPILE_CACHE, else the system's temporary folder). Undefined when it cannot be
 * made, or when someone else could write it or replace it: what is read from it is run,
 * or acted on, as this user. The folder it is made in must be this user's or root's, and
 * writable by others only with the sticky bit (as /tmp), or another user could swap
 * this one for a link to theirs after it was looked at.
 */
export function userCacheFolder(name: string, { create = true } = {}): string | undefined {
  const uid = process.getuid?.();
  try {
    const root = process.env.NODE_COMPILE_CACHE || path.join(os.tmpdir(), 'node-compile-cache');
    if (create) fs.mkdirSync(root, { recursive: true, mode: 0o700 });
    const realRoot = fs.realpathSync(root);
    if (!safeFolder(fs.statSync(realRoot), uid, { root: true, sticky: true })) return undefined;
    const folder = path.join(realRoot, `tinyforge-${name}-${uid ?? 'user'}`);
    if (create) fs.mkdirSync(folder, { mode: 0o700, recursive: true });
    return safeFolder(fs.lstatSync(folder), uid, { root: false, sticky: false }) ? folder : undefined;
  } catch {
    return undefined;
  }
}

function safeFolder(stat: fs.Stats, uid: number | undefined, allow: { root: boolean; sticky: boolean }): boolean {
  if (!stat.isDirectory()) return false;
  if (uid !== undefined && stat.uid !== uid && !(allow.root && stat.uid === 0)) return false;
  return (stat.mode & 0o022) === 0 || (allow.sticky && (stat.mode & 0o1000) !== 0);
}

/**
 * A cache file's bytes, read only from a regular file of this user's alone (no one else
 * may write it, one link, not through a symlink, never blocking); undefined when there is
 * none or it is not such a file.
 */
export function readCacheFile(file: string): Buffer | undefined {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  try {
    const stat = fs.fstatSync(fd);
    const uid = process.getuid?.();
    const alone = stat.isFile() && (uid === undefined || stat.uid === uid) && (stat.mode & 0o022) === 0;
    return alone && stat.nlink === 1 ? fs.readFileSync(fd) : undefined;
  } catch {
    return undefined;
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Writes a cache file whole or not at all (a temp file, mode 0600, renamed into place): a
 * reader never sees half of one. Answers whether it was written; a cache that cannot be
 * written only costs the time it would have saved.
 */
export function writeCacheFile(file: string, data: () => string | Uint8Array): boolean {
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(temporary, data(), { mode: 0o600 });
    fs.renameSync(temporary, file);
    return true;
  } catch {
    removeCacheFile(temporary);
    return false;
  }
}

/** Removes a cache file if it is there; one that cannot be removed is left for a later write, or the system's clean-up. */
export function removeCacheFile(file: string): void {
  try {
    fs.rmSync(file, { force: true });
  } catch {
    // Left as it is.
  }
}
