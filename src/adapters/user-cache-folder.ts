import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * This user's folder for one of tinyforge's caches (`v8`: compiled code, `manifests`:
 * loaded manifests), made if missing, where Node 22 keeps its own compile cache
 * (NODE_COMPILE_CACHE, else the system's temporary folder). Undefined when it cannot be
 * made, or when someone else could write it or replace it: what is read from it is run,
 * or acted on, as this user. The folder it is made in must be this user's or root's, and
 * writable by others only with the sticky bit (as /tmp), or another user could swap
 * this one for a link to theirs after it was looked at.
 */
export function userCacheFolder(name: string): string | undefined {
  const uid = process.getuid?.();
  try {
    const root = process.env.NODE_COMPILE_CACHE || path.join(os.tmpdir(), 'node-compile-cache');
    fs.mkdirSync(root, { recursive: true, mode: 0o700 });
    const realRoot = fs.realpathSync(root);
    if (!safeFolder(fs.statSync(realRoot), uid, { root: true, sticky: true })) return undefined;
    const folder = path.join(realRoot, `tinyforge-${name}-${uid ?? 'user'}`);
    fs.mkdirSync(folder, { mode: 0o700, recursive: true });
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
